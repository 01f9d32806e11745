import type { Manifest } from "../model/manifest.ts";
import { discreteSampling, flowSampling, type ModelSampling } from "../sampling/index.ts";

/** How a pack's native time maps to the samplers' VE sigma, from its manifest (and a shift override). */
export function packSampling(m: Manifest, shift?: number): ModelSampling {
  const kind = m.prediction.type;
  return kind === "flow" ? flowSampling({ shift: shift ?? m.defaults.shift }) : discreteSampling(kind);
}
