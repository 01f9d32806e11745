// Every WebSocket message, both directions, as ONE zod discriminated union on `type`, plus the
// binary preview frames. No Node-only imports: the editor imports this file too.
// JSON messages are `{type, data}` as in ComfyUI; the names and fields below are ComfyUI's where it
// has one (status, execution_*, executing, progress, executed, feature_flags) and ours otherwise.
import { z } from "zod";

const nodeId = z.string();
const promptId = z.string();
/** ms since epoch. */
const timestamp = z.number();
const uiOutput = z.record(z.string(), z.unknown());
const patchValues = z.record(z.string(), z.number());

/** `paused` is ours: the queue takes no new job until resumed. */
export const queueStatusSchema = z.object({ exec_info: z.object({ queue_remaining: z.number().int() }), paused: z.boolean().optional() });

const msg = <T extends string, D extends z.ZodType>(type: T, data: D) => z.object({ type: z.literal(type), data });

// ── server → client ──────────────────────────────────────────────────────────────────────────
export const statusMessage = msg("status", z.object({ status: queueStatusSchema, sid: z.string().optional() }));
export const executionStartMessage = msg("execution_start", z.object({ prompt_id: promptId, timestamp }));
export const executionCachedMessage = msg("execution_cached", z.object({ nodes: z.array(nodeId), prompt_id: promptId, timestamp }));
/** `node: null` ends a job: history is written by then. */
export const executingMessage = msg("executing", z.object({ node: nodeId.nullable(), display_node: nodeId.nullable().optional(), prompt_id: promptId }));
export const progressMessage = msg("progress", z.object({ value: z.number(), max: z.number(), prompt_id: promptId, node: nodeId }));
/** Sent for output nodes only (ComfyUI's OUTPUT_NODE), as ComfyUI does. */
export const executedMessage = msg("executed", z.object({ node: nodeId, display_node: nodeId, output: uiOutput, prompt_id: promptId }));
/** Ours: what a node that is not an output node shows (a schedule's curve, step counts, a plot). ComfyUI clients ignore it. */
export const displayMessage = msg("display", z.object({ node: nodeId, output: uiOutput, prompt_id: promptId }));
export const executionSuccessMessage = msg("execution_success", z.object({ prompt_id: promptId, timestamp }));
export const executionErrorMessage = msg(
  "execution_error",
  z.object({
    prompt_id: promptId,
    node_id: nodeId,
    node_type: z.string(),
    executed: z.array(nodeId),
    exception_message: z.string(),
    exception_type: z.string(),
    traceback: z.array(z.string()),
    current_inputs: z.record(z.string(), z.unknown()),
    current_outputs: z.record(z.string(), z.unknown()),
    timestamp,
  }),
);
export const executionInterruptedMessage = msg(
  "execution_interrupted",
  z.object({ prompt_id: promptId, node_id: nodeId.nullable(), node_type: z.string().nullable(), executed: z.array(nodeId), timestamp }),
);
/** A live patch (steps, cfg, …) that a running node took in at a step boundary. */
export const patchedMessage = msg(
  "patched",
  z.object({ prompt_id: promptId, node: nodeId, values: patchValues, step: z.number().optional(), received: timestamp, target: nodeId.nullable() }),
);
/** Ours: a node's warning (a colour drawn as the nearest one the model has, an object the pack cannot show). ComfyUI clients ignore it. */
export const warningMessage = msg("warning", z.object({ prompt_id: promptId, node: nodeId, message: z.string() }));
/** A client message the server could not accept; `message` names the field. */
export const protocolErrorMessage = msg("protocol_error", z.object({ message: z.string(), in_reply_to: z.string().optional() }));

// ── both directions ──────────────────────────────────────────────────────────────────────────
/** Client → server: what the client can do; server → client (reply): what the server can do. */
export const featureFlagsMessage = msg(
  "feature_flags",
  z.looseObject({ supports_preview_metadata: z.boolean().optional(), max_upload_size: z.number().optional() }),
);

// ── client → server ──────────────────────────────────────────────────────────────────────────
/** Change values of a running job; applied at the next step boundary (see `patched`). */
export const patchMessage = msg("patch", z.object({ prompt_id: promptId.min(1), node: nodeId.min(1).optional(), values: patchValues }));
export const interruptMessage = msg("interrupt", z.object({ prompt_id: promptId.optional() }).default({}));

export const wsMessageSchema = z.discriminatedUnion("type", [
  statusMessage,
  executionStartMessage,
  executionCachedMessage,
  executingMessage,
  progressMessage,
  executedMessage,
  displayMessage,
  executionSuccessMessage,
  executionErrorMessage,
  executionInterruptedMessage,
  patchedMessage,
  warningMessage,
  protocolErrorMessage,
  featureFlagsMessage,
  patchMessage,
  interruptMessage,
]);
export type WsMessage = z.infer<typeof wsMessageSchema>;
export type WsMessageType = WsMessage["type"];
export type MessageOf<T extends WsMessageType> = Extract<WsMessage, { type: T }>;

export const CLIENT_MESSAGE_TYPES = ["feature_flags", "patch", "interrupt"] as const satisfies readonly WsMessageType[];
export type ClientMessageType = (typeof CLIENT_MESSAGE_TYPES)[number];
export type ClientMessage = MessageOf<ClientMessageType>;
export type ServerMessage = Exclude<WsMessage, { type: "patch" | "interrupt" }>;

/** Parses one text frame; the error names the field that is wrong. */
export function parseWsMessage(text: string): { ok: true; message: WsMessage } | { ok: false; error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  const r = wsMessageSchema.safeParse(doc);
  if (r.success) return { ok: true, message: r.data };
  return { ok: false, error: formatIssues(r.error.issues) };
}

/** "data.values.steps: Invalid input: expected number, received string; …" */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`).join("; ");
}

// ── binary frames: [u32 BE event][payload], ComfyUI's layout ───────────────────────────────────
export const BinaryEvent = { PREVIEW_IMAGE: 1, PREVIEW_IMAGE_WITH_METADATA: 4 } as const;
export const ImageFormat = { JPEG: 1, PNG: 2 } as const;

/**
 * What a preview image shows. We send ONE contact sheet per step: the clip's frames tiled
 * row-major in a `cols × rows` grid of `frame_width × frame_height` cells (the last row may be
 * short: frame_count ≤ cols × rows). `frame_index` is the first frame in the sheet (always 0).
 */
export const previewMetadataSchema = z.object({
  node_id: nodeId,
  display_node_id: nodeId,
  real_node_id: nodeId,
  parent_node_id: nodeId.nullable(),
  prompt_id: promptId,
  image_type: z.enum(["image/jpeg", "image/png"]),
  frame_index: z.number().int(),
  frame_count: z.number().int(),
  step: z.number().int().optional(),
  steps: z.number().int().optional(),
  layout: z.object({ cols: z.number().int(), rows: z.number().int(), frame_width: z.number().int(), frame_height: z.number().int() }),
});
export type PreviewMetadata = z.infer<typeof previewMetadataSchema>;

export type BinaryFrame =
  | { event: 1; format: "image/jpeg" | "image/png"; image: Uint8Array }
  | { event: 4; metadata: PreviewMetadata; image: Uint8Array }
  | { event: number; payload: Uint8Array };

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, false);
  return b;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Event 1, for clients that did not announce `supports_preview_metadata`. */
export function encodePreviewImage(image: Uint8Array, format: "image/jpeg" | "image/png" = "image/jpeg"): Uint8Array {
  return concat([u32(BinaryEvent.PREVIEW_IMAGE), u32(format === "image/png" ? ImageFormat.PNG : ImageFormat.JPEG), image]);
}

/** Event 4: `[u32 4][u32 json length][json metadata][image]`. */
export function encodePreviewWithMetadata(image: Uint8Array, metadata: PreviewMetadata): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(metadata));
  return concat([u32(BinaryEvent.PREVIEW_IMAGE_WITH_METADATA), u32(json.byteLength), json, image]);
}

/** Reads a binary frame; throws on a truncated or malformed one. */
export function decodeBinaryFrame(data: ArrayBuffer | Uint8Array): BinaryFrame {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.byteLength < 8) throw new Error(`binary frame of ${bytes.byteLength} bytes is too short`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const event = view.getUint32(0, false);
  if (event === BinaryEvent.PREVIEW_IMAGE) {
    const kind = view.getUint32(4, false);
    return { event, format: kind === ImageFormat.PNG ? "image/png" : "image/jpeg", image: bytes.subarray(8) };
  }
  if (event === BinaryEvent.PREVIEW_IMAGE_WITH_METADATA) {
    const len = view.getUint32(4, false);
    if (8 + len > bytes.byteLength) throw new Error(`metadata length ${len} runs past the frame (${bytes.byteLength} bytes)`);
    const metadata = previewMetadataSchema.parse(JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len))));
    return { event, metadata, image: bytes.subarray(8 + len) };
  }
  return { event, payload: bytes.subarray(4) };
}

/** Pixel rectangle of frame `i` inside a contact sheet. */
export function frameRect(layout: PreviewMetadata["layout"], i: number): { x: number; y: number; width: number; height: number } {
  return { x: (i % layout.cols) * layout.frame_width, y: Math.floor(i / layout.cols) * layout.frame_height, width: layout.frame_width, height: layout.frame_height };
}

// ── HTTP shapes the editor reads (ComfyUI's) ───────────────────────────────────────────────────
/** `[number, prompt_id, prompt, extra_data, outputs_to_execute]`, as in ComfyUI's /queue. */
export type QueueItem = [number, string, Record<string, unknown>, Record<string, unknown>, string[]];

export interface HistoryEntry {
  prompt: QueueItem;
  outputs: Record<string, Record<string, unknown>>;
  status: { status_str: "success" | "error"; completed: boolean; messages: [string, Record<string, unknown>][] };
  meta: Record<string, { node_id: string; display_node: string; parent_node: string | null; real_node_id: string }>;
  /** Ours: the submitted workflow in our format, to reload it into the editor. */
  workflow: unknown;
  /** Ours: live patches applied while it ran, in order. */
  patches: { node: string; target: string | null; values: Record<string, number>; step?: number; received: number }[];
}
