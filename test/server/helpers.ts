// A real server on an ephemeral port with a test registry, and a real `ws` client that records
// everything it receives.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { WebSocket } from "ws";
import intNode from "../../nodes/util/int.ts";
import intMath from "../../nodes/util/int-math.ts";
import showValue from "../../nodes/util/show-value.ts";
import { ANY, INT } from "../../core/node/sockets.ts";
import { defineNode, p } from "../../core/node/definition.ts";
import { createApp, type App, type AppOptions } from "../../server/app.ts";
import { createRegistry } from "../../core/engine/index.ts";
import { wsMessageSchema, type MessageOf, type WsMessage, type WsMessageType } from "../../core/protocol.ts";
import { createServices } from "../../server/services.ts";

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), reject(new Error("aborted"))), { once: true });
  });

/** Frame i of a test clip: one flat colour per frame, easy to find again in a contact sheet. */
export function frameColour(i: number): [number, number, number] {
  return [(40 * i + 20) % 256, (90 * i + 200) % 256, (150 + 60 * i) % 256];
}

/** A long node: steps with progress, previews and live `steps` patches, checking its signal. */
export const slow = defineNode({
  type: "test.Slow",
  version: 1,
  title: "Slow",
  category: "test",
  description: "loops `steps` times, reporting progress and a preview clip each step",
  inputs: { value: { type: INT, optional: true } },
  params: {
    steps: p.int({ default: 3, min: 1, max: 10_000 }),
    delay_ms: p.int({ default: 10, min: 0, max: 60_000 }),
    frames: p.int({ default: 0, min: 0, max: 64 }),
    width: p.int({ default: 8, min: 1, max: 1024 }),
    height: p.int({ default: 6, min: 1, max: 1024 }),
  },
  outputs: { INT },
  run: async (ctx, { value, steps, delay_ms, frames, width, height }) => {
    let total = steps;
    let i = 0;
    for (; i < total; i++) {
      const live = ctx.live.get(i);
      if (live.steps !== undefined) total = live.steps;
      if (i >= total) break;
      await sleep(delay_ms, ctx.signal);
      ctx.progress(i + 1, total);
      if (frames > 0) {
        const clip = Array.from({ length: frames }, (_, f) => {
          const rgb = new Uint8Array(width * height * 3);
          for (let k = 0; k < rgb.length; k += 3) rgb.set(frameColour(f), k);
          return rgb;
        });
        ctx.preview({ frames: clip, width, height, frameCount: frames, step: i + 1, steps: total });
      }
    }
    return { outputs: { INT: (value ?? 0) + i }, ui: { text: [`${i} steps`] } };
  },
});

/** An output node that writes a file, as a save node does, and shows it as an image. */
export const saveText = defineNode({
  type: "test.SaveText",
  version: 1,
  title: "Save Text",
  category: "test",
  description: "writes the value into the output folder",
  inputs: { value: { type: ANY } },
  params: { prefix: p.text({ default: "result" }) },
  outputs: {},
  output: true,
  cache: false,
  run: async (ctx, { value, prefix }) => {
    const filename = `${prefix}_${ctx.jobId.slice(0, 8)}.txt`;
    const subfolder = "texts";
    mkdirSync(path.join(ctx.services.paths.output, subfolder), { recursive: true });
    await writeFile(path.join(ctx.services.paths.output, subfolder, filename), `value=${String(value)}\n`);
    return { outputs: {}, ui: { images: [{ filename, subfolder, type: "output" as const }] } };
  },
});

export const testRegistry = () => createRegistry([intNode, intMath, showValue, slow, saveText]);

export interface TestServer extends App {
  dir: string;
  dataDir: string;
  paths: { output: string; input: string; temp: string };
  stop(): Promise<void>;
}

/** A server in a fresh temp folder (or `dir`, to reopen one), on port 0. */
export async function startTestServer(o: Partial<AppOptions> & { dir?: string } = {}): Promise<TestServer> {
  const dir = o.dir ?? mkdtempSync(path.join(tmpdir(), "t2v-server-"));
  const paths = { output: path.join(dir, "output"), input: path.join(dir, "input"), temp: path.join(dir, "temp") };
  for (const p of Object.values(paths)) mkdirSync(p, { recursive: true });
  const dataDir = path.join(dir, "data");
  const app = await createApp({
    port: 0,
    dataDir,
    registry: testRegistry(),
    services: createServices({ outputDir: paths.output, inputDir: paths.input, tempDir: paths.temp }),
    editorDir: path.join(dir, "no-editor"),
    workflowsDir: path.join(dir, "shipped-workflows"),
    ...o,
  });
  return { ...app, dir, dataDir, paths, stop: () => app.close() };
}

/** Polls until `fn()` is true. */
export async function until(fn: () => boolean, timeoutMs = 20_000, what = "condition"): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export type Received = { kind: "json"; message: WsMessage; at: number } | { kind: "binary"; data: Buffer; at: number };

export interface TestClient {
  ws: WebSocket;
  sid: string;
  received: Received[];
  json(): WsMessage[];
  binary(): Buffer[];
  /** The first message (already received or to come) that matches. */
  waitFor(pred: (m: WsMessage) => boolean, timeoutMs?: number): Promise<WsMessage>;
  /** The first message of one type (matching `pred`), typed. */
  waitForType<T extends WsMessageType>(type: T, pred?: (m: MessageOf<T>) => boolean, timeoutMs?: number): Promise<MessageOf<T>>;
  /** Every JSON message about one job, in order. */
  forPrompt(promptId: string): WsMessage[];
  send(m: unknown): void;
  close(): Promise<void>;
}

export function promptOf(m: WsMessage): string | undefined {
  const d = m.data as { prompt_id?: unknown };
  return typeof d.prompt_id === "string" ? d.prompt_id : undefined;
}

export const isJobEnd = (promptId: string) => (m: WsMessage) => m.type === "executing" && m.data.node === null && m.data.prompt_id === promptId;

export async function connect(base: string, o: { clientId?: string; metadata?: boolean; headers?: Record<string, string>; query?: string } = {}): Promise<TestClient> {
  const q = [o.clientId ? `clientId=${encodeURIComponent(o.clientId)}` : "", o.query ?? ""].filter(Boolean).join("&");
  const ws = new WebSocket(`${base.replace(/^http/, "ws")}/ws${q ? `?${q}` : ""}`, { headers: o.headers });
  const received: Received[] = [];
  const invalid: string[] = [];
  const waiters: { pred: (m: WsMessage) => boolean; resolve: (m: WsMessage) => void }[] = [];
  ws.on("message", (data, isBinary) => {
    const buf = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
    if (isBinary) return void received.push({ kind: "binary", data: buf, at: Date.now() });
    const message = JSON.parse(buf.toString("utf8")) as WsMessage;
    // Everything the server sends must fit the shared protocol; close() reports what did not.
    const check = wsMessageSchema.safeParse(message);
    if (!check.success) invalid.push(`${message.type}: ${check.error.message}`);
    received.push({ kind: "json", message, at: Date.now() });
    for (const w of [...waiters]) {
      if (w.pred(message)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(message);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
    ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  const json = () => received.flatMap((r) => (r.kind === "json" ? [r.message] : []));
  const waitFor = (pred: (m: WsMessage) => boolean, timeoutMs = 20_000) => {
    const hit = json().find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise<WsMessage>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no matching message in ${timeoutMs} ms; got ${json().map((m) => m.type).join(", ")}`)), timeoutMs);
      waiters.push({ pred, resolve: (m) => (clearTimeout(t), resolve(m)) });
    });
  };
  const first = await waitFor((m) => m.type === "status");
  if (o.metadata) {
    ws.send(JSON.stringify({ type: "feature_flags", data: { supports_preview_metadata: true } }));
    await waitFor((m) => m.type === "feature_flags");
  }
  return {
    ws,
    sid: (first.type === "status" && first.data.sid) || "",
    received,
    json,
    binary: () => received.flatMap((r) => (r.kind === "binary" ? [r.data] : [])),
    waitFor,
    waitForType: <T extends WsMessageType>(type: T, pred: (m: MessageOf<T>) => boolean = () => true, timeoutMs?: number) =>
      waitFor((m) => m.type === type && pred(m as MessageOf<T>), timeoutMs) as Promise<MessageOf<T>>,
    forPrompt: (id) => json().filter((m) => promptOf(m) === id),
    send: (m) => ws.send(typeof m === "string" ? m : JSON.stringify(m)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        const done = () => (invalid.length ? reject(new Error(`messages outside the protocol:\n${invalid.join("\n")}`)) : resolve());
        if (ws.readyState === ws.CLOSED) return done();
        ws.once("close", done);
        ws.close();
      }),
  };
}

export async function api(base: string, route: string, body?: unknown, init: RequestInit = {}): Promise<{ status: number; json: any; text: string; headers: Headers }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${base}${route}`, {
    method: body === undefined ? (init.method ?? "GET") : (init.method ?? "POST"),
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": "application/json" } }),
    ...init,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** Int(value) → Slow(steps) → ShowValue, as a ComfyUI API prompt. */
export function chainPrompt(value = 3, steps = 2, slowParams: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    "1": { class_type: "t2v.Int", inputs: { value } },
    "2": { class_type: "test.Slow", inputs: { value: ["1", 0], steps, delay_ms: 5, ...slowParams } },
    "3": { class_type: "t2v.ShowValue", inputs: { value: ["2", 0] } },
  };
}
