import { defineNode } from "../../core/node/definition.ts";
import { ANY } from "../../core/node/sockets.ts";

export default defineNode({
  type: "t2v.Reroute",
  version: 1,
  title: "Reroute",
  category: "utils",
  description: "Passes its input on unchanged: a waypoint for tidy wires (ComfyUI's Reroute).",
  aliases: ["Reroute"],
  inputs: { input: { type: ANY } },
  params: {},
  outputs: { output: ANY },
  run: (_ctx, { input }) => ({ outputs: { output: input } }),
});
