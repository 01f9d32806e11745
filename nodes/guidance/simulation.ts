import { sliceFrames } from "../generate/windows.ts";
import type { GuidanceMethod } from "./method.ts";

/**
 * Feeds the simulated object coverage [T × H × W, 0–1] to a pack trained with a simulation input,
 * flagged with the guidance strength (both CFG passes get it). A clip longer than the pack's window
 * gets each window's frames of the coverage.
 */
export function simulationGuidance(coverage: Float32Array, start: number, end: number): GuidanceMethod {
  const windows = new Map<number, Float32Array>();
  let frameSize = 0;
  return {
    name: "simulation",
    start,
    end,
    check(pack, frames) {
      const sim = pack.manifest.conditioning.simulation;
      if (!sim) throw new Error(`guidance: model pack "${pack.name}" was not trained with a simulation input; use the blend method or another pack`);
      const [simFrames = 1, ...rest] = sim.shape;
      frameSize = rest.reduce((a, b) => a * b, 1);
      const have = coverage.length / frameSize, want = Math.max(simFrames, frames);
      if (!Number.isInteger(have)) throw new Error(`guidance: simulation has ${coverage.length} values, the pack expects ${sim.shape.join("×")}`);
      if (have < want) throw new Error(`guidance: the simulation has ${have} frames and the clip ${want}; set Physics Simulate's frames to ${want}`);
    },
    apply: (call, next, { strength }) => {
      if (strength <= 0) return next(call);
      const { start: at, frames } = call.window;
      let values = coverage;
      if (frameSize > 0 && coverage.length !== frames * frameSize) {
        values = windows.get(at) ?? sliceFrames(coverage, coverage.length / frameSize, frameSize, at, frames);
        windows.set(at, values);
      }
      return next({ ...call, simulation: { values, weight: Math.min(1, strength) } });
    },
  };
}
