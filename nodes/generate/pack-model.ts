// A pack's denoiser as the sampler calls it: the conditional and unconditional passes batched into
// one model call (classifier-free guidance), with the simulation input when guidance gives one.
import type { LoadedPack } from "../model/runtime.ts";

export interface PackModelInputs {
  pack: LoadedPack;
  /** One row of text features, or one per clip of the batch (a Storyboard). */
  positive: Float32Array;
  /** One row. */
  negative: Float32Array;
  /** Clips in the batch; x holds them back to back. */
  batch: number;
  /**
   * Given latent frames of the batch ([batch, C, T, h, w], sampler space) and the per-frame mask (1 = given):
   * a pack with a known-frames input sees them clean in x and in that input; other packs ignore it here.
   */
  known?: { values: Float32Array; mask: Float32Array };
  /** Counts denoiser calls (one per batched CFG pair), for tests and the benchmark. */
  onCall?: () => void;
}

/** One call in the pack's own time convention; cfg 1 runs the positive pass only. */
export type PackModel = (x: Float64Array, time: number, cfg: number, simulation?: { values: Float32Array; weight: number }) => Promise<Float64Array>;

export function packModel(i: PackModelInputs): PackModel {
  const { pack, batch } = i;
  const sim = pack.manifest.conditioning.simulation;
  const simSize = sim ? sim.shape.reduce((a, b) => a * b, 1) : 0;
  const textSize = i.negative.length;
  if (i.positive.length !== textSize && i.positive.length !== batch * textSize) throw new Error(`positive: ${i.positive.length / textSize} prompts for a batch of ${batch}`);
  const positiveRow = (b: number) => (i.positive.length === textSize ? i.positive : i.positive.subarray(b * textSize, (b + 1) * textSize));
  // Text rows and empty simulation rows depend only on the number of CFG passes (cfg can be
  // patched to or from 1 mid-run), so they are built once per pass count, not on every step.
  const rowsFor = new Map<number, { text: Float32Array; noSim: Float32Array }>();
  const simRows = new Map<number, { from: Float32Array; rows: Float32Array }>();
  const textRows = (pairs: number) => {
    let got = rowsFor.get(pairs);
    if (!got) {
      const text = new Float32Array(batch * pairs * textSize);
      for (let b = 0; b < batch; b++) {
        text.set(positiveRow(b), b * textSize);
        if (pairs === 2) text.set(i.negative, (batch + b) * textSize);
      }
      rowsFor.set(pairs, (got = { text, noSim: new Float32Array(batch * pairs * simSize) }));
    }
    return got;
  };
  const simulationRows = (pairs: number, values: Float32Array) => {
    const got = simRows.get(pairs);
    if (got?.from === values) return got.rows;
    const rows = new Float32Array(batch * pairs * simSize);
    for (let r = 0; r < batch * pairs; r++) rows.set(values, r * simSize);
    simRows.set(pairs, { from: values, rows });
    return rows;
  };
  const knownRows = new Map<number, { values: Float32Array; mask: Float32Array }>();
  const known = pack.manifest.conditioning.known && i.known ? i.known : undefined;
  const frameSize = known ? known.values.length / (batch * pack.manifest.latent.channels * known.mask.length) : 0;
  const knownFor = (rows: number) => {
    let got = knownRows.get(rows);
    if (!got && known) {
      const values = new Float32Array((rows / batch) * known.values.length), mask = new Float32Array(rows * known.mask.length);
      for (let r = 0; r < rows / batch; r++) values.set(known.values, r * known.values.length);
      for (let r = 0; r < rows; r++) mask.set(known.mask, r * known.mask.length);
      knownRows.set(rows, (got = { values, mask }));
    }
    return got;
  };
  return async (x, time, cfg, simulation) => {
    const pairs = cfg === 1 ? 1 : 2;
    const rows = batch * pairs;
    const xs = new Float32Array(rows * (x.length / batch));
    for (let r = 0; r < pairs; r++) xs.set(x, r * x.length);
    if (known) putKnown(xs, known.values, known.mask, frameSize);
    const { text, noSim } = textRows(pairs);
    const flags = new Float32Array(rows);
    let simIn = noSim;
    if (simulation && sim) {
      simIn = simulationRows(pairs, simulation.values);
      flags.fill(simulation.weight);
    }
    i.onCall?.();
    const out = await pack.denoise({ x: xs, t: new Float32Array(rows).fill(time), text, sim: simIn, simFlag: flags, known: knownFor(rows) }, rows);
    const v = new Float64Array(x.length);
    if (pairs === 1) {
      for (let k = 0; k < v.length; k++) v[k] = out[k]!;
    } else {
      const off = x.length;
      for (let k = 0; k < v.length; k++) v[k] = out[off + k]! + cfg * (out[k]! - out[off + k]!);
    }
    return v;
  };
}

/**
 * Writes given frames ([rows, T, frameSize] values, frameSize = h·w, rows = clips × channels) into
 * `x` where mask[t] is 1; `x` may hold the values several times over (the CFG passes).
 */
export function putKnown(x: Float32Array | Float64Array, values: ArrayLike<number>, mask: ArrayLike<number>, frameSize: number): void {
  const frames = mask.length, per = values.length;
  for (let base = 0; base < x.length; base += per) {
    for (let k = 0; k < per; k++) if (mask[Math.floor(k / frameSize) % frames]) x[base + k] = values[k]!;
  }
}
