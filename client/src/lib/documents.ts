// Any document a user hands the editor (our format in any version, a ComfyUI API prompt, a
// generated video or image) → a current workflow. Current documents are checked here with the
// engine's own schema; everything else goes to the server, which migrates, converts or reads
// the file's provenance (POST /api/provenance).
import { WORKFLOW_VERSION, workflowSchema, type Workflow } from "../../../core/workflow/schema.ts";
import { api } from "../api.ts";

/** The document, and what was dropped or changed reading it (e.g. a broken link in a ComfyUI file). */
export interface Opened {
  workflow: Workflow;
  warnings: string[];
}

function opened(res: { workflow: unknown; warnings?: string[] }): Opened {
  return { workflow: workflowSchema.parse(res.workflow), warnings: res.warnings ?? [] };
}

export async function readDocument(doc: unknown): Promise<Opened> {
  if (typeof doc === "object" && doc !== null && (doc as { version?: unknown }).version === WORKFLOW_VERSION) {
    const r = workflowSchema.safeParse(doc);
    if (r.success) return { workflow: r.data, warnings: [] };
  }
  return opened(await api.provenance(JSON.stringify(doc), "workflow.json"));
}

export async function readText(text: string): Promise<Opened> {
  return readDocument(JSON.parse(text.trim()));
}

/** A dropped or opened file: JSON is read here (or by the server), media files by the server. */
export async function readFile(file: File): Promise<Opened> {
  if (/\.json$/i.test(file.name) || file.type === "application/json") return readText(await file.text());
  return opened(await api.provenance(file, file.name));
}
