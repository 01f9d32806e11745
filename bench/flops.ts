// Figure 7: FLOPs per denoiser call, counted from the ONNX graph, over the measured call time,
// against the machine's own matmul rate in onnxruntime-node.
//
// Counted: MatMul, Gemm, Conv, ConvTranspose (2 FLOPs per multiply-add). Not counted: element-wise
// ops, softmax, normalisation; so the achieved rate is a slight underestimate of the work done.
// Shapes: onnx's static shape inference (bench/onnx_tools.py), and for the attention products that
// depend on computed Reshapes, one run of a probe model in onnxruntime-node that exposes them.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { runPython, whyFailed } from "./python.ts";
import type { Progress } from "./progress.ts";
import { now, summarize, type Summary } from "./stats.ts";

interface OpInfo {
  op: "MatMul" | "Gemm" | "Conv" | "ConvTranspose";
  name: string;
  inputs: string[];
  output: string;
  attrs: { transA?: number; transB?: number; group?: number };
}

/** Undefined when the helper can run; otherwise why not (no python3, no `onnx` module). */
export async function flopsUnavailable(): Promise<string | undefined> {
  const r = await runPython("onnx_tools.py", ["check"], { timeoutMs: 30_000 });
  return r.ok ? undefined : `the ONNX graph is read with python3 + onnx (apt-get install python3-onnx): ${whyFailed(r)}`;
}

export interface GraphFlops {
  flops: number;
  byOp: Record<string, { count: number; flops: number }>;
  /** Operand shapes onnx's shape inference could not give (taken from the probe run). */
  probed: number;
}

const prod = (d: readonly number[]) => d.reduce((a, b) => a * b, 1);

/** MACs of one op from its operand and result shapes. */
export function macs(op: OpInfo, shape: (name: string) => number[]): number {
  const a = op.inputs[0] ? shape(op.inputs[0]) : [];
  const w = op.inputs[1] ? shape(op.inputs[1]) : [];
  switch (op.op) {
    case "MatMul":
      return prod(shape(op.output)) * a[a.length - 1]!;
    case "Gemm":
      return prod(shape(op.output)) * (op.attrs.transA ? a[0]! : a[1]!);
    case "Conv":
      return prod(shape(op.output)) * prod(w.slice(1)); // W = [Cout, Cin/group, k…]
    case "ConvTranspose":
      return prod(a) * prod(w.slice(1)); // W = [Cin, Cout/group, k…]: every input element feeds Cout/g·k outputs
  }
}

export async function countDenoiserFlops(modelPath: string, feeds: Record<string, { data: Float32Array; dims: number[] }>): Promise<GraphFlops> {
  const batch = Object.values(feeds)[0]!.dims[0]!;
  const dir = mkdtempSync(path.join(tmpdir(), "t2v-bench-flops-"));
  try {
    const r = await runPython("onnx_tools.py", ["probe", modelPath, dir, "--batch", String(batch)]);
    if (!r.ok) throw new Error(`onnx_tools.py probe failed: ${whyFailed(r)}`);
    const info = JSON.parse(readFileSync(path.join(dir, "ops.json"), "utf8")) as { ops: OpInfo[]; static: Record<string, number[]>; unresolved_by_shape_inference: string[] };
    const shapes = new Map(Object.entries(info.static));
    if (info.unresolved_by_shape_inference.length > 0) {
      const probe = await ort.InferenceSession.create(path.join(dir, "probe.onnx"), { executionProviders: ["cpu"], graphOptimizationLevel: "disabled" });
      const out = await probe.run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor("float32", v.data, v.dims)])));
      for (const [name, t] of Object.entries(out)) shapes.set(name, [...t.dims]);
      await probe.release();
    }
    const shape = (n: string) => {
      const s = shapes.get(n);
      if (!s) throw new Error(`no shape for ${n}`);
      return s;
    };
    const byOp: GraphFlops["byOp"] = {};
    let flops = 0;
    for (const op of info.ops) {
      const f = 2 * macs(op, shape);
      flops += f;
      const e = (byOp[op.op] ??= { count: 0, flops: 0 });
      e.count++;
      e.flops += f;
    }
    return { flops, byOp, probed: info.unresolved_by_shape_inference.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface MatmulPeak {
  n: number;
  ms: Summary;
  /** 2·n³ / fastest time: a peak is the best the machine showed (a median drifts with load). */
  gflops: number;
}

/** A float32 n×n matmul in onnxruntime-node, same session options as the model packs. */
export async function measureMatmulPeak(o: { calls: number; progress: Progress }): Promise<MatmulPeak> {
  const n = cpus().length <= 4 ? 1024 : 2048;
  const dir = mkdtempSync(path.join(tmpdir(), "t2v-bench-mm-"));
  try {
    const file = path.join(dir, "matmul.onnx");
    const r = await runPython("onnx_tools.py", ["matmul", String(n), file]);
    if (!r.ok) throw new Error(`onnx_tools.py matmul failed: ${whyFailed(r)}`);
    const session = await ort.InferenceSession.create(file, { executionProviders: ["cpu"], graphOptimizationLevel: "all" });
    const rand = () => Float32Array.from({ length: n * n }, () => Math.random() - 0.5);
    const feeds = { A: new ort.Tensor("float32", rand(), [n, n]), B: new ort.Tensor("float32", rand(), [n, n]) };
    for (let i = 0; i < 3; i++) await session.run(feeds);
    const times: number[] = [];
    for (let i = 0; i < o.calls; i++) {
      const t0 = now();
      await session.run(feeds);
      times.push(now() - t0);
    }
    await session.release();
    const ms = summarize(times);
    o.progress.step(`matmul ${n}×${n}: ${ms.min.toFixed(1)} ms fastest, ${ms.median.toFixed(1)} ms median`);
    return { n, ms, gflops: (2 * n ** 3) / (ms.min / 1000) / 1e9 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
