// The workflow document (version 2): what the editor saves and the engine runs.
import { z } from "zod";
import { migrate, WORKFLOW_VERSION, WorkflowFormatError, type MigrationEnv } from "./migrations.ts";
import type { Registry } from "../node/registry.ts";

export { WORKFLOW_VERSION, WorkflowFormatError, migrationEnv, type MigrationEnv } from "./migrations.ts";

const id = z.string().min(1);
const position = z.object({ x: z.number(), y: z.number() });
const size = z.object({ width: z.number().positive(), height: z.number().positive() });
/** What another tool keeps with an item (e.g. `comfy`: ComfyUI fields we do not use), written back on export. */
const extra = z.record(z.string(), z.unknown());
const declaredSocket = z.object({ name: z.string(), type: z.string() });

/** muted: does not run, nor what depends only on it; bypassed: passes inputs through (ComfyUI's modes 2 and 4). */
export const NODE_MODES = ["muted", "bypassed"] as const;
export type NodeMode = (typeof NODE_MODES)[number];

export const workflowNodeSchema = z.object({
  id,
  type: z.string().min(1),
  /** Widget values by param name; missing ones take the param's default. */
  params: z.record(z.string(), z.unknown()).default({}),
  position: position.default({ x: 0, y: 0 }),
  size: size.optional(),
  /** A user-given title shown instead of the type's title. */
  title: z.string().optional(),
  /** Absent: runs normally. */
  mode: z.enum(NODE_MODES).optional(),
  /**
   * The sockets the document declared for this node, kept for a type that is not installed here
   * (a placeholder): it still draws, links and exports unchanged. Ignored for installed types.
   */
  declaredSockets: z.object({ inputs: z.array(declaredSocket), outputs: z.array(declaredSocket) }).optional(),
  extra: extra.optional(),
});

export const workflowLinkSchema = z.object({
  id,
  from: z.object({ node: id, output: z.string().min(1) }),
  /** `input` names a socket, or a param driven by a link instead of its widget. */
  to: z.object({ node: id, input: z.string().min(1) }),
});

export const workflowGroupSchema = z.object({
  id,
  title: z.string(),
  nodes: z.array(id).optional(),
  bounds: z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() }).optional(),
  color: z.string().optional(),
  extra: extra.optional(),
});

export const workflowNoteSchema = z.object({
  id,
  text: z.string(),
  position: position.default({ x: 0, y: 0 }),
  size: size.optional(),
  /** Markdown rendering (ComfyUI's MarkdownNote); plain text otherwise. */
  markdown: z.boolean().optional(),
  extra: extra.optional(),
});

export const workflowSchema = z.object({
  version: z.literal(WORKFLOW_VERSION),
  metadata: z.object({ title: z.string().default(""), description: z.string().default("") }).loose().default({ title: "", description: "" }),
  nodes: z.array(workflowNodeSchema),
  links: z.array(workflowLinkSchema).default([]),
  groups: z.array(workflowGroupSchema).default([]),
  notes: z.array(workflowNoteSchema).default([]),
  /** Editor state and anything else a tool wants kept with the document (viewport, …). */
  extra: extra.optional(),
});

export type Workflow = z.output<typeof workflowSchema>;
export type WorkflowInput = z.input<typeof workflowSchema>;
export type WorkflowNode = Workflow["nodes"][number];
export type WorkflowLink = Workflow["links"][number];

function pathOf(path: readonly PropertyKey[]): string {
  return path.map((k) => (typeof k === "number" ? `[${k}]` : `.${String(k)}`)).join("").replace(/^\./, "") || "(root)";
}

/**
 * Parses any supported version into the current one: migrates older documents, then validates
 * the shape. Throws WorkflowFormatError listing every problem with its path.
 * Graph problems (unknown types, bad links) are validate()'s job, not this.
 */
export function parseWorkflow(doc: unknown, env: MigrationEnv | Registry): Workflow {
  const current = migrate(doc, env);
  const r = workflowSchema.safeParse(current);
  if (!r.success) throw new WorkflowFormatError(r.error.issues.map((i) => `${pathOf(i.path)}: ${i.message}`));
  return r.data;
}
