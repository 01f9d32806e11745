import type { GuidanceMethod } from "./method.ts";

/**
 * Feeds the simulated object coverage [T × H × W, 0–1] to a pack trained with a simulation input,
 * flagged with the guidance strength (both CFG passes get it).
 */
export function simulationGuidance(coverage: Float32Array, start: number, end: number): GuidanceMethod {
  return {
    name: "simulation",
    start,
    end,
    check(pack) {
      const sim = pack.manifest.conditioning.simulation;
      if (!sim) throw new Error(`guidance: model pack "${pack.name}" was not trained with a simulation input; use the blend method or another pack`);
      const size = sim.shape.reduce((a, b) => a * b, 1);
      if (coverage.length !== size) throw new Error(`guidance: simulation has ${coverage.length} values, the pack expects ${sim.shape.join("×")}`);
    },
    apply: (call, next, { strength }) => (strength > 0 ? next({ ...call, simulation: { values: coverage, weight: Math.min(1, strength) } }) : next(call)),
  };
}
