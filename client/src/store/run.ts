// Run state as pure functions of (state, server message): per-node status, progress, outputs,
// errors. The store applies what these return; components read it through narrow selectors.
import type { ServerMessage } from "../../../core/protocol.ts";
import type { NodeProblem, NodeRun } from "./types.ts";

export interface RunSlice {
  /** Status of each node in the job running now (or the last one). */
  runs: Record<string, NodeRun>;
  /** Each node's `ui` from its last `executed`. */
  outputs: Record<string, Record<string, unknown>>;
  problems: Record<string, NodeProblem>;
  /** The job executing now, if it is one of ours. */
  current?: string;
  /** Node ids of the jobs this tab queued (for overall progress). */
  jobs: Record<string, string[]>;
}

export type RunUpdate = Partial<RunSlice> & { toast?: { kind: "info" | "warning" | "error"; text: string; nodeId?: string; key?: string }; jobEnded?: string };

const finish = (runs: Record<string, NodeRun>, from: NodeRun["state"], to: NodeRun["state"] | undefined): Record<string, NodeRun> => {
  const out: Record<string, NodeRun> = {};
  for (const [id, r] of Object.entries(runs)) {
    if (r.state !== from) out[id] = r;
    else if (to) out[id] = { state: to };
  }
  return out;
};

/** What one server message changes; `allNodes` stands in for a job queued before this page loaded. */
export function applyMessage(s: RunSlice, m: ServerMessage, allNodes: () => string[]): RunUpdate {
  // Jobs other clients queued (a script posting without client_id reaches every client) are
  // another graph: their node ids mean nothing here.
  const promptId = (m.data as { prompt_id?: unknown }).prompt_id;
  if (typeof promptId === "string" && !(promptId in s.jobs)) return {};
  switch (m.type) {
    case "execution_start": {
      const nodes = s.jobs[m.data.prompt_id]?.length ? s.jobs[m.data.prompt_id] : allNodes();
      return { current: m.data.prompt_id, runs: Object.fromEntries(nodes.map((id) => [id, { state: "queued" }])), problems: {} };
    }
    case "execution_cached": {
      const runs = { ...s.runs };
      for (const id of m.data.nodes) runs[id] = { state: "cached" };
      return { runs };
    }
    case "executing": {
      if (m.data.node === null) {
        const runs = finish(finish(s.runs, "running", "done"), "queued", undefined);
        return { runs, current: undefined, jobEnded: m.data.prompt_id };
      }
      const runs = finish(s.runs, "running", "done");
      runs[m.data.node] = { state: "running" };
      return { runs, current: m.data.prompt_id };
    }
    case "progress":
      return { runs: { ...s.runs, [m.data.node]: { state: "running", value: m.data.value, max: m.data.max } } };
    case "executed":
    case "display":
      return {
        outputs: { ...s.outputs, [m.data.node]: m.data.output },
        runs: s.runs[m.data.node]?.state === "running" ? { ...s.runs, [m.data.node]: { state: "done" } } : s.runs,
      };
    case "execution_error": {
      const id = m.data.node_id;
      const runs = finish(s.runs, "running", "done");
      if (id) runs[id] = { state: "error" };
      return {
        runs,
        problems: id ? { ...s.problems, [id]: { message: m.data.exception_message, fields: {} } } : s.problems,
        toast: { kind: "error", text: `${m.data.node_type || "node"} ${id}: ${m.data.exception_message}`, ...(id ? { nodeId: id } : {}) },
      };
    }
    case "execution_interrupted": {
      const runs = finish(finish(s.runs, "running", "interrupted"), "queued", undefined);
      return { runs, toast: { kind: "info", text: "Interrupted" } };
    }
    case "patched": {
      const v = Object.entries(m.data.values).map(([k, x]) => `${k} = ${x}`).join(", ");
      return { toast: { kind: "info", text: `Live: ${v} applied${m.data.step === undefined ? "" : ` at step ${m.data.step}`}`, nodeId: m.data.node, key: "live" } };
    }
    case "warning":
      return { toast: { kind: "warning", text: `node ${m.data.node}: ${m.data.message}`, nodeId: m.data.node } };
    case "protocol_error":
      return { toast: { kind: "error", text: `Server: ${m.data.message}` } };
    default:
      return {};
  }
}

/** 0–1 for the running job: finished nodes plus the running node's fraction, over the job's nodes. */
export function overallProgress(s: Pick<RunSlice, "runs" | "current">): number | undefined {
  if (!s.current) return undefined;
  const all = Object.values(s.runs);
  if (all.length === 0) return 0;
  let done = 0;
  for (const r of all) {
    if (r.state === "done" || r.state === "cached" || r.state === "error") done += 1;
    else if (r.state === "running" && r.max) done += Math.min(1, (r.value ?? 0) / r.max);
  }
  return done / all.length;
}
