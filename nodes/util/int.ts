import { defineNode, p } from "../../core/node/definition.ts";
import { INT } from "../../core/node/sockets.ts";

export default defineNode({
  type: "t2v.Int",
  version: 1,
  title: "Int",
  category: "utils/primitive",
  description: "A whole number, to drive int params of several nodes from one widget.",
  inputs: {},
  params: { value: p.int({ default: 0, min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }) },
  outputs: { INT },
  run: (_ctx, { value }) => ({ outputs: { INT: value } }),
});
