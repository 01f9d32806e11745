import { defineNode, p } from "../../core/node/definition.ts";
import { FLOAT } from "../../core/node/sockets.ts";

export default defineNode({
  type: "t2v.Float",
  version: 1,
  title: "Float",
  category: "utils/primitive",
  description: "A number, to drive float params of several nodes from one widget.",
  inputs: {},
  params: { value: p.float({ default: 0, step: 0.01 }) },
  outputs: { FLOAT },
  run: (_ctx, { value }) => ({ outputs: { FLOAT: value } }),
});
