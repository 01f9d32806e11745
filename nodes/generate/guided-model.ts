// Turns a pack's denoiser into the sampler's model function: the conditional and unconditional
// passes batched into one call (classifier-free guidance), plus the physics guidance hooks.
import type { Guidance } from "../physics-nodes/values.ts";
import type { LoadedPack } from "../model/runtime.ts";
import type { Denoise, ModelFn } from "../sampling/index.ts";

/** What can change while a run is under way (live patches) and where in the schedule it is. */
export interface RunState {
  cfg: number;
  guidanceStrength: number;
  step: number;
  total: number;
}

const fraction = (s: RunState) => (s.total > 0 ? s.step / s.total : 0);
const inWindow = (g: Guidance, s: RunState) => fraction(s) >= g.start && fraction(s) < g.end;

export interface ModelInputs {
  pack: LoadedPack;
  positive: Float32Array;
  negative: Float32Array;
  /** Clips in the batch; x holds them back to back. */
  batch: number;
  guidance?: Guidance;
  state: RunState;
  /** Counts denoiser calls (one per batched CFG pair), for tests and the benchmark. */
  onCall?: () => void;
}

export function guidedModel(i: ModelInputs): ModelFn {
  const { pack, batch, state } = i;
  const sim = pack.manifest.conditioning.simulation;
  const simSize = sim ? sim.shape.reduce((a, b) => a * b, 1) : 0;
  if (i.guidance?.simulation && !sim) {
    throw new Error(`guidance: model pack "${pack.name}" was not trained with a simulation input; use the blend method or another pack`);
  }
  if (i.guidance?.simulation && i.guidance.simulation.length !== simSize) {
    throw new Error(`guidance: simulation has ${i.guidance.simulation.length} values, the pack expects ${sim?.shape.join("×")}`);
  }
  const textSize = i.positive.length;
  // The text rows and simulation rows only change with the number of CFG passes (cfg can be
  // patched to or from 1 mid-run), so they are built once per pass count, not on every step.
  const inputs = new Map<number, { text: Float32Array; noSim: Float32Array; sim?: Float32Array }>();
  const inputsFor = (pairs: number) => {
    let got = inputs.get(pairs);
    if (!got) {
      const rows = batch * pairs;
      const text = new Float32Array(rows * textSize);
      for (let b = 0; b < batch; b++) {
        text.set(i.positive, b * textSize);
        if (pairs === 2) text.set(i.negative, (batch + b) * textSize);
      }
      let sim: Float32Array | undefined;
      if (i.guidance?.simulation) {
        sim = new Float32Array(rows * simSize);
        for (let r = 0; r < rows; r++) sim.set(i.guidance.simulation, r * simSize);
      }
      inputs.set(pairs, (got = { text, noSim: new Float32Array(rows * simSize), sim }));
    }
    return got;
  };
  return async (x, time) => {
    const cfg = state.cfg;
    const pairs = cfg === 1 ? 1 : 2;
    const rows = batch * pairs;
    const xs = new Float32Array(rows * (x.length / batch));
    for (let r = 0; r < pairs; r++) xs.set(x, r * x.length);
    const { text, noSim, sim } = inputsFor(pairs);
    let simIn = noSim;
    const flags = new Float32Array(rows);
    const g = i.guidance;
    if (g && sim && inWindow(g, state) && state.guidanceStrength > 0) {
      simIn = sim;
      flags.fill(Math.min(1, state.guidanceStrength));
    }
    i.onCall?.();
    const out = await pack.denoise({ x: xs, t: new Float32Array(rows).fill(time), text, sim: simIn, simFlag: flags }, rows);
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
 * Latent blending (PhysGen-style refinement): pulls the x0 estimate toward the encoded rendering
 * of the simulation inside the object masks, with a weight that ramps down across the window.
 */
export function blendDenoiser(denoise: Denoise, g: Guidance | undefined, state: RunState, batch: number): Denoise {
  const blend = g?.blend;
  if (!g || !blend) return denoise;
  return async (x, sigma) => {
    const d = await denoise(x, sigma);
    if (!inWindow(g, state)) return d;
    const ramp = 1 - (fraction(state) - g.start) / Math.max(1e-6, g.end - g.start);
    const w = Math.min(1, state.guidanceStrength) * ramp;
    const per = d.length / batch;
    const cells = blend.mask.length;
    const channels = per / cells;
    for (let b = 0; b < batch; b++) for (let c = 0; c < channels; c++) for (let k = 0; k < cells; k++) {
      const idx = b * per + c * cells + k;
      d[idx] = d[idx]! + w * blend.mask[k]! * (blend.target[c * cells + k]! - d[idx]!);
    }
    return d;
  };
}
