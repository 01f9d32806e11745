// Running: queue, interrupt, cancel, live patches, auto-run; server messages and previews in.
import { SEED_CONTROL_PARAM, SEED_CONTROLS, type SeedControl } from "../../../core/node/params.ts";
import type { ClientMessage, HistoryEntry, PreviewMetadata, QueueItem, ServerMessage } from "../../../core/protocol.ts";
import { nextSeed } from "../../../core/workflow/seed.ts";
import { api, ApiError, type PromptRefusal } from "../api.ts";
import { readDocument } from "../lib/documents.ts";
import { applyMessage, type RunSlice } from "./run.ts";
import { isStudio, type NodeProblem, type Preview } from "./types.ts";
import type { GetState, SetState } from "./index.ts";
import { STORAGE } from "../lib/storage.ts";

const AUTORUN_DELAY_MS = 400;
/** The key of the toast that explains a refused queue (one at a time; gone once a queue is accepted). */
const REFUSAL_TOAST = "refusal";
const PATCH_INTERVAL_MS = 120;

export interface RunActions extends RunSlice {
  clientId: string;
  connected: boolean;
  previews: Record<string, Preview>;
  autorun: boolean;
  queueState: { running: QueueItem[]; pending: QueueItem[]; paused: boolean };
  history: [string, HistoryEntry][];
  send: (m: ClientMessage) => boolean;
  setSocket(send: ((m: ClientMessage) => boolean) | undefined, connected: boolean): void;
  queue(): Promise<string | undefined>;
  interrupt(promptId?: string): Promise<void>;
  cancel(promptId: string): Promise<void>;
  /** Runs a pending job next. */
  toFront(promptId: string): Promise<void>;
  /** Pauses or resumes the server's queue (the running job goes on). */
  setQueuePaused(paused: boolean): Promise<void>;
  setAutorun(on: boolean): void;
  afterParamChange(id: string, name: string, value: unknown): void;
  handleMessage(m: ServerMessage): void;
  handlePreview(meta: PreviewMetadata, image: Uint8Array): void;
  refreshJobs(): Promise<void>;
  openHistory(promptId: string): Promise<void>;
}

function clientId(): string {
  let id = sessionStorage.getItem(STORAGE.clientId);
  if (!id) {
    id = crypto.randomUUID().replaceAll("-", "");
    sessionStorage.setItem(STORAGE.clientId, id);
  }
  return id;
}

function problemsFrom(r: PromptRefusal): Record<string, NodeProblem> {
  const out: Record<string, NodeProblem> = {};
  for (const [id, e] of Object.entries(r.node_errors ?? {})) {
    const fields: Record<string, string> = {};
    const general: string[] = [];
    for (const x of e.errors) {
      if (x.extra_info.input_name) fields[x.extra_info.input_name] = x.message;
      else general.push(x.message);
    }
    out[id] = { ...(general.length > 0 ? { message: general.join("; ") } : {}), fields };
  }
  return out;
}

const JOBS_KEY = STORAGE.jobs;
const JOBS_KEPT = 50;

/** This tab's jobs survive a reload (sessionStorage), so their messages are still recognised. */
function savedJobs(): Record<string, string[]> {
  try {
    return JSON.parse(sessionStorage.getItem(JOBS_KEY) ?? "{}") as Record<string, string[]>;
  } catch {
    return {};
  }
}

function setJobs(set: SetState, _get: GetState, jobs: Record<string, string[]>): void {
  const kept = Object.fromEntries(Object.entries(jobs).slice(-JOBS_KEPT));
  sessionStorage.setItem(JOBS_KEY, JSON.stringify(kept));
  set({ jobs: kept });
}

let autorunTimer: ReturnType<typeof setTimeout> | undefined;
const patchTimers = new Map<string, { timer?: ReturnType<typeof setTimeout>; last: number; values: Record<string, number> }>();

export const runSlice = (set: SetState, get: GetState): RunActions => {
  /** The nodes a live param of node `id` reaches (itself, or the consumers of its `via` output), and the patch key. */
  const liveTargets = (id: string, name: string): { key: string; targets: string[] } | undefined => {
    const s = get();
    const node = s.nodes.find((n) => n.id === id);
    if (!node || !isStudio(node)) return undefined;
    const live = s.catalogue[node.data.type]?.params.find((p) => p.name === name)?.live;
    if (!live) return undefined;
    const targets = live.via ? s.edges.filter((e) => e.source === id && e.sourceHandle === live.via).map((e) => e.target) : [id];
    return { key: live.key ?? name, targets };
  };

  /** Throttled per target: at most one patch per PATCH_INTERVAL_MS while a slider is dragged. */
  const sendPatch = (promptId: string, node: string, values: Record<string, number>) => {
    const k = `${promptId}:${node}`;
    const p = patchTimers.get(k) ?? { last: 0, values: {} };
    p.values = { ...p.values, ...values };
    patchTimers.set(k, p);
    const flush = () => {
      p.timer = undefined;
      p.last = Date.now();
      const v = p.values;
      p.values = {};
      if (!get().send({ type: "patch", data: { prompt_id: promptId, node, values: v } })) void api.patch(promptId, node, v).catch(() => {});
    };
    if (p.timer) return;
    const wait = PATCH_INTERVAL_MS - (Date.now() - p.last);
    if (wait <= 0) flush();
    else p.timer = setTimeout(flush, wait);
  };

  return {
    runs: {},
    outputs: {},
    problems: {},
    jobs: savedJobs(),
    previews: {},
    clientId: clientId(),
    connected: false,
    autorun: localStorage.getItem(STORAGE.autorun) === "1",
    queueState: { running: [], pending: [], paused: false },
    history: [],
    send: () => false,
    setSocket: (send, connected) => set({ send: send ?? (() => false), connected }),

    async queue() {
      const s = get();
      const wf = s.workflow();
      // The id is ours, and known before the server can start the job and talk about it.
      const promptId = crypto.randomUUID();
      setJobs(set, get, { ...s.jobs, [promptId]: wf.nodes.map((n) => n.id) });
      try {
        const r = await api.queuePrompt(wf, s.clientId, promptId);
        // Accepted: the last refusal's problems and its toast are out of date.
        set((st) => ({ problems: {}, toasts: st.toasts.filter((t) => t.key !== REFUSAL_TOAST) }));
        // control_after_generate moves the seed for the next run, as in ComfyUI.
        for (const n of get().nodes) {
          if (!isStudio(n)) continue;
          const control = n.data.params[SEED_CONTROL_PARAM];
          const seedParam = s.catalogue[n.data.type]?.params.find((p) => p.kind === "seed");
          const seed = seedParam && n.data.params[seedParam.name];
          if (!seedParam || typeof seed !== "number" || !SEED_CONTROLS.includes(control as SeedControl) || control === "fixed") continue;
          get().setParamSilently(n.id, seedParam.name, nextSeed(seed, control as SeedControl, Math.random));
        }
        void get().refreshJobs();
        return r.prompt_id;
      } catch (err) {
        const { [promptId]: _gone, ...rest } = get().jobs;
        setJobs(set, get, rest);
        if (err instanceof ApiError && err.status === 400 && typeof err.body === "object" && err.body !== null && "node_errors" in err.body) {
          const refusal = err.body as PromptRefusal;
          const problems = problemsFrom(refusal);
          set({ problems });
          const first = Object.entries(problems)[0];
          const where = first ? ` — node ${first[0]}${Object.keys(first[1].fields)[0] ? `.${Object.keys(first[1].fields)[0]}` : ""}: ${first[1].message ?? Object.values(first[1].fields)[0]}` : refusal.error.details ? ` — ${refusal.error.details}` : "";
          get().toast("error", `${refusal.error.message}${where}`, first?.[0], REFUSAL_TOAST);
        } else get().toast("error", `Queue failed: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      }
    },
    async interrupt(promptId) {
      await api.interrupt(promptId ?? get().current).catch((e: unknown) => get().toast("error", String(e)));
    },
    async cancel(promptId) {
      await api.cancel([promptId]).catch((e: unknown) => get().toast("error", String(e)));
      void get().refreshJobs();
    },
    async toFront(promptId) {
      await api.toFront(promptId).catch((e: unknown) => get().toast("error", String(e)));
      void get().refreshJobs();
    },
    async setQueuePaused(paused) {
      await api.setPaused(paused).catch((e: unknown) => get().toast("error", String(e)));
      void get().refreshJobs();
    },
    setAutorun(on) {
      localStorage.setItem(STORAGE.autorun, on ? "1" : "0");
      set({ autorun: on });
    },

    afterParamChange(id, name, value) {
      const s = get();
      const live = liveTargets(id, name);
      const job = s.current;
      if (live && job && typeof value === "number" && Number.isFinite(value)) {
        const pending = live.targets.filter((t) => s.runs[t]?.state === "running" || s.runs[t]?.state === "queued");
        if (pending.length > 0) {
          for (const t of pending) sendPatch(job, t, { [live.key]: value });
          return;
        }
      }
      if (!s.autorun) return;
      // Auto-run: the stale job is interrupted, waiting ones of ours dropped, the new one queued.
      clearTimeout(autorunTimer);
      autorunTimer = setTimeout(() => {
        const x = get();
        const mine = x.queueState.pending.map((q) => q[1]).filter((p) => p in x.jobs);
        if (mine.length > 0) void api.cancel(mine).catch(() => {});
        if (x.current) void x.interrupt(x.current);
        void x.queue();
      }, AUTORUN_DELAY_MS);
    },

    handleMessage(m) {
      const s = get();
      const u = applyMessage(s, m, () => s.nodes.filter(isStudio).map((n) => n.id));
      const { toast, jobEnded, ...state } = u;
      if (Object.keys(state).length > 0) set(state);
      if (toast) get().toast(toast.kind, toast.text, toast.nodeId, toast.key);
      // `paused` rides on every status (ours; ComfyUI's /queue keeps its own shape).
      if (m.type === "status") set((x) => ({ queueState: { ...x.queueState, paused: m.data.status.paused === true } }));
      if (m.type === "status" || jobEnded) void get().refreshJobs();
    },
    handlePreview(meta, image) {
      if (!(meta.prompt_id in get().jobs)) return;
      const sheet = new Blob([image as BlobPart], { type: meta.image_type });
      set((s) => ({
        previews: {
          ...s.previews,
          [meta.node_id]: { sheet, layout: meta.layout, frameCount: meta.frame_count, promptId: meta.prompt_id, ...(meta.step === undefined ? {} : { step: meta.step }), ...(meta.steps === undefined ? {} : { steps: meta.steps }) },
        },
      }));
    },
    async refreshJobs() {
      try {
        const [q, h] = await Promise.all([api.queue(), api.history(30)]);
        set((x) => ({ queueState: { running: q.queue_running, pending: q.queue_pending, paused: x.queueState.paused }, history: Object.entries(h).reverse() }));
      } catch {
        // the server is away; the socket's reconnect brings a status and another refresh
      }
    },
    async openHistory(promptId) {
      const entry = get().history.find(([id]) => id === promptId)?.[1];
      if (!entry) return;
      try {
        const { workflow: wf } = await readDocument(entry.workflow);
        get().loadWorkflow(wf, { clean: false, outputs: entry.outputs });
      } catch (err) {
        get().toast("error", `Could not open job ${promptId}: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
  };
};
