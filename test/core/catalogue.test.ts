import { describe, expect, it } from "vitest";
import { canConnect } from "../../core/node/sockets.ts";
import { registry as studioRegistry } from "../../nodes/index.ts";
import { defineNode, p } from "../../core/node/definition.ts";
import { catalogue, createOutputCache, createRegistry, estimateBytes, toObjectInfo } from "../../core/engine/index.ts";
import { makeStubs } from "./stubs.ts";

const { registry } = makeStubs();

describe("catalogue", () => {
  it("describes sockets, params (with JSON Schema) and outputs in order", () => {
    const latent = catalogue(registry).find((n) => n.type === "test.Latent");
    expect(latent).toMatchObject({ version: 1, title: "Latent", category: "test", output: false, cache: true, inputs: [], outputs: [{ name: "latent", type: "TEST_BLOB" }] });
    expect(latent?.params.map((x) => [x.name, x.kind, x.default, x.uiOnly, x.socketType])).toEqual([
      ["size", "int", 4, false, "INT"],
      ["seed", "seed", 0, false, "INT"],
      ["control_after_generate", "choice", "fixed", true, "STRING"],
    ]);
    expect(latent?.params[0].schema).toMatchObject({ type: "integer", minimum: 1, maximum: 1 << 20, default: 4 });
    expect(latent?.params[2].choices).toEqual(["fixed", "increment", "decrement", "randomize"]);
    expect(JSON.parse(JSON.stringify(catalogue(studioRegistry))).length).toBe(studioRegistry.list().length);
  });

  it("converts to ComfyUI's /object_info shape", () => {
    const info = toObjectInfo(registry);
    expect(info["test.Add"]).toEqual({
      input: {
        required: { a: ["INT"], k: ["INT", { default: 0, min: -10, max: 10, step: 1 }], mode: [["plain", "double"], { default: "plain" }] },
        optional: { b: ["INT"] },
      },
      input_order: { required: ["a", "k", "mode"], optional: ["b"] },
      output: ["INT"],
      output_is_list: [false],
      output_name: ["n"],
      name: "test.Add",
      display_name: "Add",
      description: "a + b + k",
      python_module: "nodes.test",
      category: "test",
      output_node: false,
    });
    expect(info["test.Latent"].input.required.seed).toEqual(["INT", { default: 0, min: 0, max: Number.MAX_SAFE_INTEGER, step: 1, control_after_generate: true }]);
    expect(info["test.Latent"].input.required.control_after_generate).toBeUndefined();
    expect(info["test.Show"].output_node).toBe(true);
  });
});

describe("registry", () => {
  const node = (type: string, aliases?: string[]) =>
    defineNode({ type, version: 1, title: type, category: "t", description: "", aliases, inputs: {}, params: {}, outputs: {}, run: () => ({ outputs: {} }) });

  it("throws on a type claimed twice, directly or by alias", () => {
    expect(() => createRegistry([node("a.X"), node("a.X")])).toThrow('duplicate node type "a.X"');
    expect(() => createRegistry([node("a.X"), node("a.Y", ["a.X"])])).toThrow('duplicate node type "a.X"');
    expect(createRegistry([node("a.X"), node("a.Y", ["Y"])]).get("Y")?.type).toBe("a.Y");
  });

  it("throws on an ill-formed definition", () => {
    expect(() => createRegistry([node("NoNamespace")])).toThrow(/namespace\.Name/);
    const clash = defineNode({ ...node("a.Z"), inputs: { x: { type: "INT" } }, params: { x: p.int({ default: 0 }) } });
    expect(() => createRegistry([clash])).toThrow(/"x" is both a socket and a param/);
  });

  it("holds the studio's own nodes", () => {
    expect(studioRegistry.get("t2v.Int")?.title).toBe("Int");
  });
});

describe("canConnect", () => {
  it("connects equal types, the wildcard, and unions; nothing else", () => {
    expect(canConnect("LATENT", "LATENT")).toBe(true);
    expect(canConnect("LATENT", "*")).toBe(true);
    expect(canConnect("*", "FRAMES")).toBe(true);
    expect(canConnect("FRAMES", "FRAMES,VIDEO")).toBe(true);
    expect(canConnect("LATENT", "FRAMES,VIDEO")).toBe(false);
    expect(canConnect("INT", "FLOAT")).toBe(false);
    expect(canConnect("LATENT", "CONDITIONING")).toBe(false);
  });
});

describe("output cache", () => {
  it("estimates sizes of typed arrays, buffers, strings and nesting", () => {
    expect(estimateBytes(new Float32Array(10))).toBe(40);
    expect(estimateBytes(Buffer.alloc(7))).toBe(7);
    expect(estimateBytes("abcd")).toBe(8);
    const shared = new Uint8Array(1000);
    const size = estimateBytes({ a: shared, b: shared, list: [1, 2] });
    expect(size).toBeGreaterThan(1000);
    expect(size).toBeLessThan(2000);
  });

  it("evicts least recently used first", () => {
    const cache = createOutputCache(250);
    const entry = () => ({ outputs: { x: new Uint8Array(100) } });
    cache.set("a", entry());
    cache.set("b", entry());
    expect(cache.stats().entries).toBe(1); // 2 × (100 + overhead) > 250
    const small = createOutputCache(600);
    small.set("a", entry());
    small.set("b", entry());
    small.set("c", entry());
    small.get("a");
    small.set("d", entry());
    expect(["a", "b", "c", "d"].filter((k) => small.has(k))).toEqual(["a", "c", "d"]);
  });
});
