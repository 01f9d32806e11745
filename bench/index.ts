// `npm run bench [-- --json results.json] [--quick] [--only 2,8]`: the studio's speed, measured
// side by side in one process, as medians with min and max, on a described machine.
// Figures: 1 clip latency, 2 engine overhead, 3 first preview, 4 tweak-and-rerun, 5 PyTorch,
// 6 throughput and RSS, 7 FLOPs vs the matmul peak, 8 editor, 9 the 8-second clip against the 2-second one,
// 10 the Redis queue with 1 and 2 workers against the embedded one. See docs/bench.md.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { measureClip, measureLongClip, measureRerun } from "./clip.ts";
import { connectClient, startServer, type BenchClient } from "./client.ts";
import { measureEditor } from "./editor.ts";
import { measureScaleOut } from "./scale-out.ts";
import { countDenoiserFlops, flopsUnavailable, measureMatmulPeak } from "./flops.ts";
import { describeMachine, formatMachine } from "./machine.ts";
import { measureOverhead, openBareModel, type BareModel } from "./overhead.ts";
import { createProgress } from "./progress.ts";
import { formatTable, toJson, type Results } from "./report.ts";
import { measurePreviews, measureThroughput } from "./server.ts";
import { summarize } from "./stats.ts";
import { createScratch, IDS, loadDefaultWorkflow, paramOf, ROOT } from "./studio.ts";
import { measureTorch } from "./torch.ts";

const program = new Command()
  .name("bench")
  .description("Benchmarks the studio: clip latency, engine overhead, previews, re-runs, PyTorch, throughput, FLOPs, editor")
  .option("--json <file>", "also write the results as JSON")
  .option("--quick", "fewer repeats and a smaller queue (under 2 minutes)")
  .option("--only <figures>", "comma-separated figure numbers 2–10 to run (figure 1 always runs: the others build on it)")
  .parse();
const opts = program.opts<{ json?: string; quick?: boolean; only?: string }>();

const quick = opts.quick === true;
const R = quick
  ? { cold: 2, warm: 2, overhead: 2, previews: 2, rerun: 1, torchCalls: 3, torchSeconds: 10, jobs: 3, matmul: 5, denoiser: 5, editorLoads: 1, editorWarmup: false, moves: 30, long: 1, pairs: 4 }
  : { cold: 3, warm: 5, overhead: 5, previews: 5, rerun: 4, torchCalls: 10, torchSeconds: 40, jobs: 8, matmul: 10, denoiser: 15, editorLoads: 3, editorWarmup: true, moves: 60, long: 3, pairs: 12 };
const only = opts.only ? new Set(opts.only.split(",").map((s) => Number(s.trim()))) : undefined;
const wants = (n: number) => !only || only.has(n);

const machine = describeMachine();
process.stdout.write(`t2v-studio bench${quick ? " (--quick)" : ""}\n${formatMachine(machine)}\n\n`);

const progress = createProgress();
const scratch = createScratch();
const results: Results = { machine, quick, errors: {}, wallS: 0 };
const TOTAL = 10;

/** Runs one figure; a failure is recorded and the bench goes on. */
async function figure<T>(n: number, key: string, title: string, fn: () => Promise<T>): Promise<T | undefined> {
  if (n > 1 && !wants(n)) return undefined;
  progress.figure(n, TOTAL, title);
  try {
    return await fn();
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    results.errors[key] = msg.split("\n")[0]!;
    progress.step(`FAILED: ${msg}`);
    return undefined;
  }
}

let bare: BareModel | undefined;
let server: Awaited<ReturnType<typeof startServer>> | undefined;
let client: BenchClient | undefined;
try {
  const wf = loadDefaultWorkflow();
  const clip = await figure(1, "1 clip", "clip latency", () => measureClip(scratch, wf, { coldRuns: R.cold, warmRuns: R.warm, progress }));
  if (!clip) throw new Error(`figure 1 failed (${results.errors["1 clip"]}); the other figures need a working clip`);
  results.clip = clip.figures;
  const { engine } = clip;
  const calls = clip.figures.modelCalls;

  const needBare = [2, 5, 7].some(wants);
  if (needBare) bare = await openBareModel(wf, calls);
  if ([2, 3, 6].some(wants)) {
    server = await startServer(scratch);
    client = await connectClient(server.url, "bench");
  }

  results.overhead = await figure(2, "2 overhead", "engine overhead", () => measureOverhead({ engine, client: client!, bare: bare!, wf, modelCalls: calls, runs: R.overhead, progress }));
  results.preview = await figure(3, "3 preview", "time to first preview", () => measurePreviews(client!, wf, { runs: R.previews, serverWarm: results.overhead !== undefined, progress }));
  results.rerun = await figure(4, "4 rerun", "tweak-and-rerun", () => measureRerun(engine, wf, { coldMs: clip.figures.coldMs.median, warmMs: clip.figures.warmMs.median }, { runs: R.rerun, progress }));
  results.torch = await figure(5, "5 torch", "PyTorch eager", () => measureTorch(bare!, { calls: R.torchCalls, maxSeconds: R.torchSeconds, progress }));
  if (results.torch?.ok) progress.step(`PyTorch ${results.torch.torchMs.median.toFixed(0)} ms vs onnxruntime ${results.torch.ortMs.median.toFixed(0)} ms per call`);
  if (results.torch && !results.torch.ok) progress.step(`skipped: ${results.torch.reason}`);
  results.throughput = await figure(6, "6 throughput", "throughput", () => measureThroughput(client!, wf, { jobs: R.jobs, progress }));
  results.flops = await figure(7, "7 limit", "FLOPs vs matmul peak", async () => {
    const unavailable = await flopsUnavailable();
    if (unavailable) return { ok: false as const, reason: unavailable };
    const pack = String(paramOf(wf, IDS.load, "pack") ?? "physics-tiny");
    const graph = await countDenoiserFlops(path.join(ROOT, "models", pack, "denoiser.onnx"), bare!.denoiserInputs);
    progress.step(`${(graph.flops / 1e9).toFixed(3)} GFLOP per batched call (${graph.probed} operand shapes read from a probe run)`);
    await bare!.denoiseOnce();
    const times: number[] = [];
    for (let i = 0; i < R.denoiser; i++) times.push((await bare!.denoiseOnce()).ms);
    const denoiserMs = summarize(times);
    const peak = await measureMatmulPeak({ calls: R.matmul, progress });
    const achievedGflops = graph.flops / (denoiserMs.median / 1000) / 1e9;
    const engineGflops = graph.flops / (clip.figures.stepMs.median / 1000) / 1e9;
    return { ok: true as const, graph, peak, denoiserMs, achievedGflops, fraction: achievedGflops / peak.gflops, engineFraction: engineGflops / peak.gflops };
  });
  if (results.flops && !results.flops.ok) progress.step(`skipped: ${results.flops.reason}`);
  client?.close();
  await server?.close();
  server = undefined;
  await bare?.release();
  bare = undefined;
  results.editor = await figure(8, "8 editor", "editor, 1,000 nodes", () => measureEditor(scratch, { count: 1000, loads: R.editorLoads, warmup: R.editorWarmup, moves: R.moves, progress }));
  if (results.editor && !results.editor.ok) progress.step(`null: ${results.editor.reason}`);
  results.long = await figure(9, "9 long", "8-second clip", () => measureLongClip(engine, wf, { runs: R.long, progress }));
  results.scaleOut = await figure(10, "10 scale-out", "Redis queue and workers", () => measureScaleOut(scratch, wf, { jobs: R.jobs, runs: R.pairs, cores: machine.cores, progress }));
} catch (err) {
  progress.step(`stopped: ${err instanceof Error ? err.message : String(err)}`);
  results.errors.bench ??= err instanceof Error ? err.message : String(err);
} finally {
  client?.close();
  await server?.close().catch(() => {});
  await bare?.release().catch(() => {});
  scratch.cleanup();
}

results.wallS = progress.elapsed();
process.stdout.write(`${formatTable(results)}\n\n${quick ? "--quick: " : ""}${results.wallS.toFixed(0)} s in all. Medians over repeats after a warm-up; min and max beside them.\n`);
if (opts.json) {
  writeFileSync(opts.json, `${JSON.stringify(toJson(results), null, 2)}\n`);
  process.stdout.write(`wrote ${opts.json}\n`);
}
process.exitCode = Object.keys(results.errors).length > 0 ? 1 : 0;
