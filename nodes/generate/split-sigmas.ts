import { splitSigmas } from "../sampling/index.ts";
import { SIGMAS } from "../../core/node/sockets.ts";
import { defineNode, p } from "../../core/node/definition.ts";
import "../model/values.ts";

export default defineNode({
  type: "t2v.SplitSigmas",
  version: 1,
  title: "Split Sigmas",
  category: "sampling/schedulers",
  description: "Cuts a schedule at a step: high runs the first part, low the rest (e.g. two samplers, or guidance on the early steps only).",
  aliases: ["SplitSigmas"],
  inputs: { sigmas: { type: SIGMAS } },
  params: { step: p.int({ default: 10, min: 0, max: 1000 }) },
  outputs: { high: SIGMAS, low: SIGMAS },
  run: (_ctx, { sigmas, step }) => {
    const [high, low] = splitSigmas(sigmas.values, step);
    return { outputs: { high: { values: high }, low: { values: low, recompute: sigmas.recompute } } };
  },
});
