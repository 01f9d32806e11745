// Figure 5: the same denoiser weights in PyTorch eager (training/models.py) on the same inputs,
// per call, against onnxruntime-node. Skipped with a reason when torch or the weights are absent.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BareModel } from "./overhead.ts";
import type { Progress } from "./progress.ts";
import { lastLine, runPython, whyFailed } from "./python.ts";
import { summarize, type Summary } from "./stats.ts";

export type TorchFigures =
  | {
      ok: true;
      torchMs: Summary;
      ortMs: Summary;
      /** torch median / onnxruntime median: how many times slower eager PyTorch is. */
      ratio: number;
      torchVersion: string;
      threads: number;
      weights: string;
      /** max |torch − onnxruntime| on the same inputs: near 0 when the weights are the shipped pack's. */
      maxAbsDiff: number;
    }
  | { ok: false; reason: string };

export async function measureTorch(bare: BareModel, o: { calls: number; maxSeconds: number; progress: Progress }): Promise<TorchFigures> {
  const dir = mkdtempSync(path.join(tmpdir(), "t2v-bench-torch-"));
  try {
    const dims: Record<string, number[]> = {};
    for (const [name, t] of Object.entries(bare.denoiserInputs)) {
      dims[name] = t.dims;
      writeFileSync(path.join(dir, `${name}.f32`), Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    }
    writeFileSync(path.join(dir, "inputs.json"), JSON.stringify(dims));
    o.progress.step("PyTorch eager: loading the weights and timing (a separate process)");
    const r = await runPython("torch_dit.py", [dir, "--calls", String(o.calls), "--max-seconds", String(o.maxSeconds)], { timeoutMs: (o.maxSeconds + 120) * 1000 });
    let res: { ok: boolean; skip?: string; ms?: number[]; torch?: string; threads?: number; weights?: string };
    try {
      res = JSON.parse(lastLine(r.stdout)) as typeof res;
    } catch {
      return { ok: false, reason: `torch_dit.py failed: ${whyFailed(r)}` };
    }
    if (!res.ok || !res.ms) return { ok: false, reason: res.skip ?? "torch_dit.py gave no timings" };

    const ort: number[] = [];
    let output: Float32Array | undefined;
    await bare.denoiseOnce();
    for (let i = 0; i < Math.max(5, res.ms.length); i++) {
      const c = await bare.denoiseOnce();
      ort.push(c.ms);
      output = c.output;
    }
    const theirs = new Float32Array(readFileSync(path.join(dir, "torch_out.f32")).buffer.slice(0));
    let maxAbsDiff = 0;
    for (let k = 0; k < theirs.length; k++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(theirs[k]! - output![k]!));
    const torchMs = summarize(res.ms);
    const ortMs = summarize(ort);
    return { ok: true, torchMs, ortMs, ratio: torchMs.median / ortMs.median, torchVersion: res.torch ?? "?", threads: res.threads ?? 0, weights: res.weights ?? "?", maxAbsDiff };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
