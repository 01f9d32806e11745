import { defineNode, p } from "../../core/node/definition.ts";
import { STRING } from "../../core/node/sockets.ts";

export default defineNode({
  type: "t2v.String",
  version: 1,
  title: "String",
  category: "utils/primitive",
  description: "A piece of text, e.g. one prompt shared by several nodes.",
  inputs: {},
  params: { value: p.multiline({ default: "" }) },
  outputs: { STRING },
  run: (_ctx, { value }) => ({ outputs: { STRING: value } }),
});
