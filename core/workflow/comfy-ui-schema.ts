// ComfyUI's UI format (litegraph JSON) as files hold it: version 0.4 (links as 6-tuples) and
// version 1 (links as objects, native reroutes, subgraph definitions). Loose: unknown fields stay.
import { z } from "zod";

export const comfyNodeId = z.union([z.number().int(), z.string().min(1)]);
const slot = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]);
const vec2 = z.union([
  z.tuple([z.number(), z.number()]),
  z.looseObject({ 0: z.number(), 1: z.number() }).transform((v): [number, number] => [v[0], v[1]]),
]);
/** A socket type: a name, a list of choices (COMBO), or litegraph's numeric event types. */
const dataType = z.union([z.string(), z.array(z.string()), z.number()]);

export const comfyInputSchema = z.looseObject({
  name: z.string(),
  type: dataType,
  link: z.number().int().nullable().optional(),
  /** An input converted from a widget: the widget it stands for. */
  widget: z.looseObject({ name: z.string() }).optional(),
});
export const comfyOutputSchema = z.looseObject({
  name: z.string(),
  type: dataType,
  links: z.array(z.number().int()).nullable().optional(),
});

export const comfyNodeSchema = z.looseObject({
  id: comfyNodeId,
  type: z.string().min(1),
  pos: vec2.optional(),
  size: vec2.optional(),
  /** 0 always, 2 never (muted), 4 bypass; 1 and 3 are litegraph's event modes. */
  mode: z.number().int().optional(),
  inputs: z.array(comfyInputSchema).optional(),
  outputs: z.array(comfyOutputSchema).optional(),
  widgets_values: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]).optional(),
  title: z.string().optional(),
});
export type ComfyNode = z.output<typeof comfyNodeSchema>;

export const comfyLinkObjectSchema = z.looseObject({
  id: z.number().int(),
  origin_id: comfyNodeId,
  origin_slot: slot,
  target_id: comfyNodeId,
  target_slot: slot,
  type: dataType.optional(),
  parentId: z.number().int().optional(),
});

export const comfyGroupSchema = z.looseObject({
  id: z.number().int().optional(),
  title: z.string().default(""),
  bounding: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  color: z.string().optional(),
});

const subgraphIo = z.looseObject({ name: z.string(), type: z.string(), linkIds: z.array(z.number().int()).optional() });

export interface ComfySubgraph {
  id: string;
  name?: string;
  nodes: ComfyNode[];
  links?: unknown[];
  inputNode?: { id: string | number };
  outputNode?: { id: string | number };
  inputs?: z.output<typeof subgraphIo>[];
  outputs?: z.output<typeof subgraphIo>[];
  definitions?: { subgraphs?: ComfySubgraph[] };
}

export const comfySubgraphSchema: z.ZodType<ComfySubgraph> = z.lazy(() =>
  z.looseObject({
    id: z.string().min(1),
    name: z.string().optional(),
    nodes: z.array(comfyNodeSchema),
    // Checked one by one on import, so one broken link does not reject the file.
    links: z.array(z.unknown()).optional(),
    inputNode: z.looseObject({ id: comfyNodeId }).optional(),
    outputNode: z.looseObject({ id: comfyNodeId }).optional(),
    inputs: z.array(subgraphIo).optional(),
    outputs: z.array(subgraphIo).optional(),
    definitions: z.looseObject({ subgraphs: z.array(comfySubgraphSchema).optional() }).optional(),
  }),
);

export const comfyUiSchema = z.looseObject({
  version: z.number(),
  nodes: z.array(comfyNodeSchema),
  links: z.array(z.unknown()).default([]),
  groups: z.array(comfyGroupSchema).default([]),
  extra: z.record(z.string(), z.unknown()).nullable().optional(),
  definitions: z.looseObject({ subgraphs: z.array(comfySubgraphSchema).optional() }).optional(),
});
export type ComfyUiDocument = z.output<typeof comfyUiSchema>;

/** ComfyUI's UI format (0.4 has last_node_id; 1 has state), as opposed to our document or an API prompt. */
export function isComfyUiWorkflow(doc: unknown): boolean {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc) || !("nodes" in doc) || !Array.isArray(doc.nodes)) return false;
  const version = "version" in doc ? doc.version : undefined;
  return "last_node_id" in doc || ("state" in doc && version === 1) || (typeof version === "number" && !Number.isInteger(version));
}

/** One link, whatever the version wrote. */
export interface ComfyLink {
  id: number;
  from: string;
  fromSlot: number;
  to: string;
  toSlot: number;
  type: unknown;
  parentId?: number;
}

/** A 6-tuple or a link object → ComfyLink; undefined when it is neither. */
export function readComfyLink(raw: unknown): ComfyLink | undefined {
  if (Array.isArray(raw)) {
    const t = z.tuple([z.number().int(), comfyNodeId, slot, comfyNodeId, slot]).rest(z.unknown()).safeParse(raw);
    if (!t.success) return undefined;
    const [id, from, fromSlot, to, toSlot, type] = t.data;
    return { id, from: String(from), fromSlot, to: String(to), toSlot, type };
  }
  const o = comfyLinkObjectSchema.safeParse(raw);
  if (!o.success) return undefined;
  const l = o.data;
  return { id: l.id, from: String(l.origin_id), fromSlot: l.origin_slot, to: String(l.target_id), toSlot: l.target_slot, type: l.type, ...(l.parentId === undefined ? {} : { parentId: l.parentId }) };
}
