// Any document a user hands the editor (our format in any version, a ComfyUI API prompt, a
// generated video or image) → a current workflow. Current documents are checked here with the
// engine's own schema; everything else goes to the server, which migrates, converts or reads
// the file's provenance (POST /api/provenance).
import { WORKFLOW_VERSION, workflowSchema, type Workflow } from "../../../core/workflow/schema.ts";
import { api } from "../api.ts";

export async function readDocument(doc: unknown): Promise<Workflow> {
  if (typeof doc === "object" && doc !== null && (doc as { version?: unknown }).version === WORKFLOW_VERSION) {
    const r = workflowSchema.safeParse(doc);
    if (r.success) return r.data;
  }
  const res = await api.provenance(JSON.stringify(doc), "workflow.json");
  return workflowSchema.parse(res.workflow);
}

export async function readText(text: string): Promise<Workflow> {
  return readDocument(JSON.parse(text.trim()));
}

/** A dropped or opened file: JSON is read here, media files by the server. */
export async function readFile(file: File): Promise<Workflow> {
  if (/\.json$/i.test(file.name) || file.type === "application/json") return readText(await file.text());
  const res = await api.provenance(file, file.name);
  return workflowSchema.parse(res.workflow);
}
