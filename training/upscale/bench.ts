// Times an exported upscaler in onnxruntime-node and, given a check file, compares its output with
// PyTorch's: npx tsx training/upscale/bench.ts MODEL.onnx [CHECK.json] [--runs N] [--threads N]
// CHECK.json: {"input": {"dims", "data"}, "output": {"dims", "data"}} (written by export.py).
import { readFileSync } from "node:fs";
import * as ort from "onnxruntime-node";
import { z } from "zod";

const argv = process.argv.slice(2);
const flag = (name: string, dflt: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv.splice(i, 2)[1]! : dflt;
};
const opts = z.object({ runs: z.coerce.number().int().positive(), threads: z.coerce.number().int().min(0) })
  .parse({ runs: flag("--runs", "10"), threads: flag("--threads", "2") });
const [modelPath, checkPath] = argv as [string, string | undefined];
const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: opts.threads, interOpNumThreads: 1, graphOptimizationLevel: "all" });
const inName = session.inputNames[0]!, outName = session.outputNames[0]!;
const report: Record<string, unknown> = { model: modelPath, input: inName, output: outName, threads: opts.threads };
if (checkPath) {
  const c = JSON.parse(readFileSync(checkPath, "utf8")) as { input: { dims: number[]; data: number[] }; output: { dims: number[]; data: number[] } };
  const out = (await session.run({ [inName]: new ort.Tensor("float32", Float32Array.from(c.input.data), c.input.dims) }))[outName]!;
  let maxErr = 0;
  c.output.data.forEach((e, i) => (maxErr = Math.max(maxErr, Math.abs(e - (out.data as Float32Array)[i]!))));
  report.check = { dims: out.dims, expected_dims: c.output.dims, max_abs_error: maxErr };
}
const x = new ort.Tensor("float32", Float32Array.from({ length: 16 * 3 * 64 * 64 }, () => Math.random() * 2 - 1), [1, 16, 3, 64, 64]);
await session.run({ [inName]: x }); // warm-up
const times: number[] = [];
for (let r = 0; r < opts.runs; r++) {
  const t0 = performance.now();
  await session.run({ [inName]: x });
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
report.ms_per_16_frame_clip = { median: +times[times.length >> 1]!.toFixed(1), min: +times[0]!.toFixed(1), max: +times[times.length - 1]!.toFixed(1), runs: opts.runs };
console.log(JSON.stringify(report));
const check = report.check as { max_abs_error: number } | undefined;
if (check && check.max_abs_error > 1e-3) {
  console.error(`check failed: max abs error ${check.max_abs_error} above 1e-3`);
  process.exit(1);
}
