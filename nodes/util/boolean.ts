import { defineNode, p } from "../../core/node/definition.ts";
import { BOOLEAN } from "../../core/node/sockets.ts";

export default defineNode({
  type: "t2v.Boolean",
  version: 1,
  title: "Boolean",
  category: "utils/primitive",
  description: "An on/off switch, to drive toggle params of several nodes from one widget.",
  inputs: {},
  params: { value: p.toggle({ default: false }) },
  outputs: { BOOLEAN },
  run: (_ctx, { value }) => ({ outputs: { BOOLEAN: value } }),
});
