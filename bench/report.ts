// The printed table and the JSON file, from whatever figures were measured.
import type { ClipFigures, LongClipFigures, RerunFigures } from "./clip.ts";
import type { EditorFigures } from "./editor.ts";
import type { GraphFlops, MatmulPeak } from "./flops.ts";
import type { Machine } from "./machine.ts";
import type { OverheadFigures } from "./overhead.ts";
import type { ScaleOutFigures } from "./scale-out.ts";
import type { PreviewFigures, ThroughputFigures } from "./server.ts";
import type { Summary } from "./stats.ts";
import type { TorchFigures } from "./torch.ts";

export type FlopsResult = ({ ok: true } & FlopsFigures) | { ok: false; reason: string };

export interface FlopsFigures {
  graph: GraphFlops;
  peak: MatmulPeak;
  denoiserMs: Summary;
  achievedGflops: number;
  fraction: number;
  /** The same, with the engine's per-step time (the sampler's own work included). */
  engineFraction?: number;
}

export interface Results {
  machine: Machine;
  quick: boolean;
  clip?: ClipFigures;
  overhead?: OverheadFigures;
  preview?: PreviewFigures;
  rerun?: RerunFigures;
  torch?: TorchFigures;
  throughput?: ThroughputFigures;
  flops?: FlopsResult;
  editor?: EditorFigures;
  long?: LongClipFigures;
  scaleOut?: ScaleOutFigures;
  /** Figures that failed, with the reason. */
  errors: Record<string, string>;
  wallS: number;
}

type Row = [figure: string, measure: string, median: string, min: string, max: string, note: string];

const f = (v: number, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : "–");
const s = (x: Summary, scale = 1, digits = 0): [string, string, string] => [f(x.median * scale, digits), f(x.min * scale, digits), f(x.max * scale, digits)];

function rows(r: Results): Row[] {
  const out: Row[] = [];
  const one = (fig: string, measure: string, value: string, note = ""): void => void out.push([fig, measure, value, "", "", note]);
  const sum = (fig: string, measure: string, x: Summary, scale = 1, digits = 0, note = ""): void => void out.push([fig, measure, ...s(x, scale, digits), note || `n=${x.n}`]);
  const c = r.clip;
  if (c) {
    sum("1 clip", "cold clip latency (s)", c.coldMs, 1e-3, 2, `n=${c.coldMs.n}; fresh engine, sessions opened in the run; first in process ${f(c.firstInProcessMs / 1000, 2)} s`);
    sum("1 clip", "warm clip latency (s)", c.warmMs, 1e-3, 2, `n=${c.warmMs.n}; ${c.steps} steps, ${c.modelCalls} denoiser calls`);
    sum("1 clip", "per step (ms)", c.stepMs, 1, 1, "sampler node time / steps (1 batched CFG call each)");
    sum("1 clip", "text encode ×2 (ms)", c.nodeMs.textEncode, 1, 1);
    sum("1 clip", "sampler (ms)", c.nodeMs.sampler);
    sum("1 clip", "decode (ms)", c.nodeMs.decode, 1, 1);
    sum("1 clip", "upscale ×4 (ms)", c.nodeMs.upscale, 1, 1);
    sum("1 clip", "write mp4 (ms)", c.nodeMs.write, 1, 1);
  }
  const o = r.overhead;
  if (o) {
    sum("2 overhead", "bare onnxruntime loop (ms)", o.bareMs, 1, 0, `3 text + ${o.modelCalls} denoiser + 1 decoder calls`);
    sum("2 overhead", "engine, up to Decode (ms)", o.engineMs);
    sum("2 overhead", "server, up to Decode (ms)", o.serverMs, 1, 0, "POST /prompt → WS executing null");
    one("2 overhead", "engine / bare", f(o.engineRatio, 3), o.engineRatio < 1.05 ? "target < 1.05: met" : "target < 1.05: NOT met");
    one("2 overhead", "server / bare", f(o.serverRatio, 3), o.serverRatio < 1.05 ? "target < 1.05: met" : "target < 1.05: NOT met");
  }
  const p = r.preview;
  if (p) {
    sum("3 preview", "POST → first preview (ms)", p.firstPreviewMs);
    sum("3 preview", "preview interval (ms)", p.previewIntervalMs, 1, 0, `${f(p.previewsPerStep, 2)} previews per step`);
    sum("3 preview", "step interval (ms)", p.stepIntervalMs, 1, 0, "between progress messages");
    sum("3 preview", "clip through server (s)", p.clipMs, 1e-3, 2);
  }
  const re = r.rerun;
  if (re) {
    sum("4 rerun", `steps ${re.fromSteps} → ${re.toSteps} re-run (s)`, re.rerunMs, 1e-3, 2, `${f(re.vsCold * 100)}% of cold, ${f(re.vsWarm * 100)}% of a warm full run`);
    one("4 rerun", "nodes executed", String(re.executedTypes.length), re.executedTypes.map((t) => t.replace(/^t2v\./, "")).join(", "));
  }
  const t = r.torch;
  if (t?.ok) {
    sum("5 torch", "PyTorch eager call (ms)", t.torchMs, 1, 1, `torch ${t.torchVersion}, ${t.threads} threads`);
    sum("5 torch", "onnxruntime call (ms)", t.ortMs, 1, 1, "same inputs, batch 2");
    one("5 torch", "torch / onnxruntime", f(t.ratio, 1), `max |Δ| ${t.maxAbsDiff.toExponential(1)}${t.maxAbsDiff > 1e-3 ? ": not exactly the pack's weights (fp16 snapshot or newer checkpoint); timing unaffected" : ": the pack's weights"}`);
  } else if (t) one("5 torch", "torch / onnxruntime", "skipped", t.reason);
  const q = r.throughput;
  if (q) {
    one("6 throughput", `clips/minute (${q.jobs} queued)`, f(q.clipsPerMinute, 1), `${f(q.wallMs / 1000, 1)} s in all; per job p50 ${f(q.jobMs.p50 / 1000, 2)} s`);
    one("6 throughput", "peak RSS (MB)", f(q.peakRssMb), `this process (server included); ${f(q.queueRssMb)} MB while the queue ran`);
  }
  const fl = r.flops;
  if (fl && !fl.ok) one("7 limit", "fraction of peak", "skipped", fl.reason);
  if (fl?.ok) {
    one("7 limit", "GFLOP per denoiser call", f(fl.graph.flops / 1e9, 2), Object.entries(fl.graph.byOp).map(([k, v]) => `${k} ×${v.count}`).join(", "));
    sum("7 limit", "denoiser call (ms)", fl.denoiserMs, 1, 1);
    one("7 limit", "achieved GFLOP/s", f(fl.achievedGflops, 1), `engine step: ${fl.engineFraction === undefined ? "–" : `${f(fl.engineFraction * 100, 1)}% of peak`}`);
    one("7 limit", `matmul ${fl.peak.n}² peak GFLOP/s`, f(fl.peak.gflops, 1), `fastest of ${fl.peak.ms.n}`);
    one("7 limit", "fraction of peak", `${f(fl.fraction * 100, 1)}%`);
  }
  const e = r.editor;
  if (e?.ok) {
    sum("8 editor", `load ${e.nodes} nodes (ms)`, e.loadMs, 1, 0, `navigation → all nodes measured; ${e.edgesRendered} wires drawn${e.staleBuild ? "; STALE client build" : ""}`);
    one("8 editor", "drag frame p95 (ms)", f(e.dragFrameMs.p95, 1), `whole graph on screen; p50 ${f(e.dragFrameMs.p50, 1)}, max ${f(e.dragFrameMs.max, 1)}, ${e.dragFrameMs.frames} frames, moved ${f(e.dragMovedPx)} px`);
    one("8 editor", "drag at 100% p95 (ms)", f(e.dragAt100FrameMs.p95, 1), `zoomed in on the middle; p50 ${f(e.dragAt100FrameMs.p50, 1)}, max ${f(e.dragAt100FrameMs.max, 1)}, ${e.dragAt100FrameMs.frames} frames`);
  } else if (e) one("8 editor", "editor figures", "null", e.reason);
  const l = r.long;
  if (l) {
    sum("9 long", "2 s clip, 16 frames (s)", l.shortMs, 1e-3, 2);
    sum("9 long", "8 s clip, 64 frames (s)", l.longMs, 1e-3, 2, `${l.windows} windows; ${f(l.ratio, 2)}× the 2 s clip`);
    sum("9 long", "interpolate 64 frames ×3 (ms)", l.interpolateMs, 1, 0, "Frame Interpolation, motion, 64 × 64 → 190 frames at 24 fps");
  }
  const so = r.scaleOut;
  if (so) {
    const cpm = so.clipsPerMinute;
    one("10 scale-out", `clips/minute, embedded queue (${so.jobs} queued)`, f(cpm.embedded, 1));
    one("10 scale-out", "clips/minute, Redis, 1 worker", f(cpm.redis1, 1), `${f(cpm.redis1 / cpm.embedded, 2)}× embedded`);
    one("10 scale-out", "clips/minute, Redis, 2 workers", f(cpm.redis2, 1), `${f(cpm.redis2 / cpm.redis1, 2)}× 1 worker; both workers on this machine's ${so.cores} cores, so bounded by them`);
    sum("10 scale-out", "one job, embedded (s)", so.oneJobMs.embedded, 1e-3, 2);
    sum("10 scale-out", "one job, Redis + 1 worker (s)", so.oneJobMs.redis, 1e-3, 2, `overhead ${f(so.overhead * 100, 1)}% (median of paired ratios); target ≤ 5%: ${so.overhead <= 0.05 ? "met" : "NOT met"}`);
  }
  for (const [fig, why] of Object.entries(r.errors)) one(fig, "FAILED", "–", why);
  return out;
}

export function formatTable(r: Results): string {
  const head: Row = ["figure", "measure", "median", "min", "max", "note"];
  const body = rows(r);
  const width = head.map((h, i) => Math.max(h.length, ...body.map((row) => (i === 5 ? 0 : row[i].length))));
  const line = (row: Row) => row.map((c, i) => (i === 5 ? c : i >= 2 && i <= 4 ? c.padStart(width[i]!) : c.padEnd(width[i]!))).join("  ").trimEnd();
  return [line(head), line(head.map((_, i) => "-".repeat(i === 5 ? 4 : width[i]!)) as Row), ...body.map(line)].join("\n");
}

/** The JSON file: the headline keys the issue names, then every figure in full. */
export function toJson(r: Results): Record<string, unknown> {
  const torchOk = r.torch?.ok ? r.torch : undefined;
  const editorOk = r.editor?.ok ? r.editor : undefined;
  return {
    clip_latency_s: r.clip ? r.clip.warmMs.median / 1000 : null,
    clip_latency_cold_s: r.clip ? r.clip.coldMs.median / 1000 : null,
    step_ms: r.clip?.stepMs.median ?? null,
    engine_overhead_ratio: r.overhead?.engineRatio ?? null,
    server_overhead_ratio: r.overhead?.serverRatio ?? null,
    first_preview_ms: r.preview?.firstPreviewMs.median ?? null,
    rerun_executed_nodes: r.rerun?.executedTypes ?? null,
    torch_ratio: torchOk?.ratio ?? null,
    ...(r.torch && !r.torch.ok ? { torch_skip_reason: r.torch.reason } : !r.torch ? { torch_skip_reason: r.errors["5 torch"] ?? "not run" } : {}),
    rss_mb: r.throughput?.peakRssMb ?? null,
    clips_per_minute: r.throughput?.clipsPerMinute ?? null,
    flops_fraction_of_peak: r.flops?.ok ? r.flops.fraction : null,
    ...(r.flops && !r.flops.ok ? { flops_skip_reason: r.flops.reason } : {}),
    editor_load_ms_1000: editorOk?.nodes === 1000 ? editorOk.loadMs.median : null,
    editor_drag_frame_ms_p95: editorOk?.dragFrameMs.p95 ?? null,
    long_clip_s: r.long ? r.long.longMs.median / 1000 : null,
    long_vs_short: r.long?.ratio ?? null,
    editor_drag_frame_ms_p95_at_100: editorOk?.dragAt100FrameMs.p95 ?? null,
    clips_per_minute_redis_1: r.scaleOut?.clipsPerMinute.redis1 ?? null,
    clips_per_minute_redis_2: r.scaleOut?.clipsPerMinute.redis2 ?? null,
    redis_overhead: r.scaleOut?.overhead ?? null,
    ...(r.editor && !r.editor.ok ? { editor_skip_reason: r.editor.reason } : !r.editor ? { editor_skip_reason: r.errors["8 editor"] ?? "not run" } : {}),
    machine: r.machine,
    quick: r.quick,
    wall_s: r.wallS,
    figures: { clip: r.clip, overhead: r.overhead, preview: r.preview, rerun: r.rerun, torch: r.torch, throughput: r.throughput, flops: r.flops, editor: r.editor, long: r.long, scaleOut: r.scaleOut },
    errors: r.errors,
  };
}
