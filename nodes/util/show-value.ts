import { defineNode } from "../../core/node/definition.ts";
import { ANY } from "../../core/node/sockets.ts";

/** Renders any value as short text for the editor and history; numbers and strings as-is. */
function describe(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${value.byteLength} bytes)`;
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 500 ? `${json.slice(0, 500)}…` : json;
}

export default defineNode({
  type: "t2v.ShowValue",
  version: 1,
  title: "Show Value",
  category: "utils",
  description: "Shows whatever reaches it as text: an output node for checking a graph.",
  inputs: { value: { type: ANY } },
  params: {},
  outputs: {},
  output: true,
  run: (_ctx, { value }) => ({ outputs: {}, ui: { text: [describe(value)] } }),
});
