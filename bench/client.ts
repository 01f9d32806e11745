// A ComfyUI-style client of the studio server, as a script would be: POST /prompt, then follow
// /ws until `executing {node: null}` for the job. Every message is stamped on arrival.
import { WebSocket, type RawData } from "ws";
import { createApp, type App } from "../server/app.ts";
import { decodeBinaryFrame, parseWsMessage, type WsMessage } from "../core/protocol.ts";
import type { Workflow } from "../core/engine/index.ts";
import { now } from "./stats.ts";
import type { Scratch } from "./studio.ts";

export interface Received {
  at: number;
  message?: WsMessage;
  /** A binary preview frame (event 4 carries step and layout). */
  preview?: { event: number; step?: number; bytes: number };
}

export interface Job {
  promptId: string;
  /** When POST /prompt was sent. */
  postedAt: number;
  done: Promise<number>;
}

export interface BenchClient {
  received: Received[];
  submit(wf: Workflow, o?: { targets?: string[] }): Promise<Job>;
  free(): Promise<void>;
  close(): void;
}

export async function startServer(scratch: Scratch): Promise<App> {
  return createApp({ port: 0, dataDir: scratch.folder(`data-${Date.now()}`), services: scratch.services(), editorDir: scratch.folder("no-editor") });
}

export async function connectClient(url: string, clientId: string): Promise<BenchClient> {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/ws?clientId=${encodeURIComponent(clientId)}`);
  const received: Received[] = [];
  const finished = new Map<string, (at: number) => void>();
  const failed = new Map<string, (err: Error) => void>();
  ws.on("message", (data: RawData, isBinary: boolean) => {
    const at = now();
    const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (isBinary) {
      const f = decodeBinaryFrame(buf);
      received.push({ at, preview: { event: f.event, bytes: buf.byteLength, ...("metadata" in f ? { step: f.metadata.step } : {}) } });
      return;
    }
    const parsed = parseWsMessage(buf.toString("utf8"));
    if (!parsed.ok) return;
    const m = parsed.message;
    received.push({ at, message: m });
    if (m.type === "executing" && m.data.node === null) finished.get(m.data.prompt_id)?.(at);
    if (m.type === "execution_error") failed.get(m.data.prompt_id)?.(new Error(`job failed in node ${m.data.node_id} (${m.data.node_type}): ${m.data.exception_message}`));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  // Ask for event-4 previews (metadata with the step), as the editor does.
  ws.send(JSON.stringify({ type: "feature_flags", data: { supports_preview_metadata: true } }));
  await new Promise<void>((resolve) => {
    const check = () => (received.some((r) => r.message?.type === "feature_flags") ? resolve() : setTimeout(check, 5));
    check();
  });

  const post = async (route: string, body: unknown): Promise<unknown> => {
    const res = await fetch(`${url}/${route}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const json: unknown = await res.json();
    if (!res.ok) throw new Error(`POST /${route}: ${res.status} ${JSON.stringify(json).slice(0, 500)}`);
    return json;
  };

  return {
    received,
    async submit(wf, o = {}) {
      const promptId = `bench-${Math.random().toString(36).slice(2)}`;
      const done = new Promise<number>((resolve, reject) => {
        finished.set(promptId, resolve);
        failed.set(promptId, reject);
      });
      done.catch(() => {}); // observed by the caller; avoid an unhandled rejection meanwhile
      const postedAt = now();
      await post("prompt", { workflow: wf, client_id: clientId, prompt_id: promptId, ...(o.targets ? { partial_execution_targets: o.targets } : {}) });
      return { promptId, postedAt, done };
    },
    /** Clears the engine's output cache through the API (sessions stay open). */
    async free() {
      await post("free", { free_memory: true });
    },
    close: () => ws.close(),
  };
}

/** Messages and previews received for one job, between its POST and its end. */
export function jobTrace(client: BenchClient, job: Job, endAt: number): Received[] {
  return client.received.filter((r) => r.at >= job.postedAt && r.at <= endAt && (r.preview !== undefined || (r.message && "data" in r.message && (r.message.data as { prompt_id?: string }).prompt_id === job.promptId)));
}
