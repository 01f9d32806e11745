import { defineNode, p } from "../../core/node/definition.ts";
import { INT } from "../../core/node/sockets.ts";

const LIMIT = { default: 0, min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };

export default defineNode({
  type: "t2v.IntMath",
  version: 1,
  title: "Int Math",
  category: "utils/math",
  description: "a (op) b on whole numbers, e.g. frames = seconds × fps. Division rounds toward zero.",
  inputs: {},
  params: {
    a: p.int(LIMIT),
    op: p.choice(["add", "subtract", "multiply", "divide", "modulo"], { default: "add" }),
    b: p.int(LIMIT),
  },
  outputs: { INT },
  run: (_ctx, { a, op, b }) => {
    if ((op === "divide" || op === "modulo") && b === 0) throw new Error(`cannot ${op} by zero`);
    const value = { add: a + b, subtract: a - b, multiply: a * b, divide: Math.trunc(a / b), modulo: a % b }[op];
    if (!Number.isSafeInteger(value)) throw new Error(`result ${value} is outside the safe integer range`);
    return { outputs: { INT: value } };
  },
});
