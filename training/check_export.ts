// Runs each exported ONNX file in onnxruntime-node on PyTorch's inputs and compares outputs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";

interface Saved { dtype: string; dims: number[]; data: number[] }
const [dir, checkPath] = process.argv.slice(2) as [string, string];
const check = JSON.parse(readFileSync(checkPath, "utf8")) as Record<string, { inputs: Record<string, Saved>; output: { name: string } & Saved }>;
let worst = 0;
for (const [name, c] of Object.entries(check)) {
  const session = await ort.InferenceSession.create(join(dir, `${name}.onnx`));
  const feeds: Record<string, ort.Tensor> = {};
  for (const [k, v] of Object.entries(c.inputs)) {
    feeds[k] = v.dtype === "int64" ? new ort.Tensor("int64", BigInt64Array.from(v.data.map(BigInt)), v.dims) : new ort.Tensor("float32", Float32Array.from(v.data), v.dims);
  }
  const out = (await session.run(feeds))[c.output.name]!.data as Float32Array;
  let maxErr = 0;
  c.output.data.forEach((e, i) => (maxErr = Math.max(maxErr, Math.abs(e - out[i]!))));
  console.log(`${name}: max |onnxruntime − pytorch| = ${maxErr.toExponential(2)}`);
  worst = Math.max(worst, maxErr);
}
if (worst > 1e-3) {
  console.error(`export check failed: error ${worst} above 1e-3`);
  process.exit(1);
}
