import { describe, expect, it } from "vitest";
import { validate, type ValidationError } from "../../core/engine/index.ts";
import { makeStubs, wf } from "./stubs.ts";

const { registry } = makeStubs();
const pick = (errors: ValidationError[]) => errors.map(({ kind, nodeId, field }) => ({ kind, nodeId, field }));

describe("validate", () => {
  it("accepts a valid workflow", () => {
    const w = wf([{ id: "A", type: "test.Source", params: { value: 3 } }, { id: "D", type: "test.Show" }], [["A", "n", "D", "n"]]);
    expect(validate(w, registry)).toEqual([]);
  });

  it("names node and field for each kind of param error", () => {
    const w = wf(
      [
        { id: "A", type: "test.Source", params: { value: 101 } },
        { id: "B", type: "test.Add", params: { k: "three", mode: "triple", extra: 1 } },
        { id: "D", type: "test.Show" },
      ],
      [["A", "n", "B", "a"], ["B", "n", "D", "n"]],
    );
    expect(pick(validate(w, registry))).toEqual([
      { kind: "out_of_range", nodeId: "A", field: "value" },
      { kind: "unknown_param", nodeId: "B", field: "extra" },
      { kind: "wrong_type", nodeId: "B", field: "k" },
      { kind: "unknown_choice", nodeId: "B", field: "mode" },
    ]);
  });

  it("reports every link and socket problem at once", () => {
    const w = wf(
      [
        { id: "A", type: "test.Source" },
        { id: "L", type: "test.Latent" },
        { id: "B", type: "test.Add" },
        { id: "Q", type: "test.Nope" },
        { id: "D", type: "test.Show" },
        { id: "E", type: "test.Show" },
      ],
      [
        ["L", "latent", "B", "a"], // TEST_BLOB into INT
        ["A", "n", "B", "b"],
        ["A", "n", "B", "b"], // second link into the same input
        ["A", "missing", "D", "n"],
        ["A", "n", "D", "nope"],
        ["ghost", "n", "E", "n"],
        ["A", "n", "gone", "n"],
      ],
    );
    const errors = validate(w, registry);
    expect(pick(errors)).toEqual([
      { kind: "unknown_type", nodeId: "Q", field: "type" },
      { kind: "type_mismatch", nodeId: "B", field: "a" },
      { kind: "duplicate_input", nodeId: "B", field: "b" },
      { kind: "unknown_output", nodeId: "A", field: "missing" },
      { kind: "unknown_input", nodeId: "D", field: "nope" },
      { kind: "dangling_link", nodeId: "E", field: "n" },
      { kind: "dangling_link", nodeId: "A", field: "n" },
    ]);
    expect(errors[1].message).toMatch(/takes INT but link l0 brings TEST_BLOB from node L/);
    expect(errors.every((e) => e.message.length > 0)).toBe(true);
  });

  it("reports a required input left unconnected, not an optional one", () => {
    const w = wf([{ id: "A", type: "test.Source" }, { id: "B", type: "test.Add" }, { id: "D", type: "test.Show" }], [["A", "n", "D", "n"]]);
    expect(pick(validate(w, registry))).toEqual([{ kind: "missing_input", nodeId: "B", field: "a" }]);
  });

  it("finds a cycle and names a node on it", () => {
    const w = wf(
      [
        { id: "A", type: "test.Source" },
        { id: "B", type: "test.Add" },
        { id: "C", type: "test.Add" },
        { id: "D", type: "test.Show" },
      ],
      [
        ["A", "n", "B", "a"],
        ["C", "n", "B", "b"],
        ["B", "n", "C", "a"],
        ["C", "n", "D", "n"],
      ],
    );
    const errors = validate(w, registry);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ kind: "cycle", nodeId: "B" });
    expect(errors[0].message).toBe("cycle through nodes B → C → B");
  });

  it("finds a self-loop", () => {
    const w = wf([{ id: "B", type: "test.Add" }, { id: "D", type: "test.Show" }], [["B", "n", "B", "a"], ["B", "n", "D", "n"]]);
    expect(pick(validate(w, registry))).toEqual([{ kind: "cycle", nodeId: "B", field: undefined }]);
  });

  it("reports a link id used twice", () => {
    const w = wf([{ id: "A", type: "test.Source" }, { id: "D", type: "test.Show" }], [["A", "n", "D", "n"]]);
    const twice = { ...w, links: [...w.links, { ...w.links[0], to: { node: "D", input: "other" } }] };
    expect(pick(validate(twice, registry))).toEqual([
      { kind: "duplicate_id", nodeId: "D", field: "other" },
      { kind: "unknown_input", nodeId: "D", field: "other" },
    ]);
  });

  it("reports duplicate ids, no output node and unknown targets", () => {
    const w = wf([{ id: "A", type: "test.Source" }, { id: "A", type: "test.Source" }], []);
    expect(pick(validate(w, registry))).toEqual([
      { kind: "duplicate_id", nodeId: "A", field: "id" },
      { kind: "no_outputs", nodeId: undefined, field: undefined },
    ]);
    expect(pick(validate(wf([{ id: "A", type: "test.Source" }], []), registry, { targets: ["Z"] }))).toEqual([
      { kind: "unknown_target", nodeId: "Z", field: undefined },
    ]);
  });

  it("with targets, ignores problems in parts the targets do not need", () => {
    const w = wf(
      [{ id: "A", type: "test.Source" }, { id: "D", type: "test.Show" }, { id: "B", type: "test.Add", params: { k: 99 } }, { id: "E", type: "test.Show" }],
      [["A", "n", "D", "n"], ["B", "n", "E", "n"]],
    );
    expect(validate(w, registry, { targets: ["D"] })).toEqual([]);
    expect(pick(validate(w, registry, { targets: ["E"] }))).toEqual([
      { kind: "out_of_range", nodeId: "B", field: "k" },
      { kind: "missing_input", nodeId: "B", field: "a" },
    ]);
  });

  it("checks a widget driven by a link against the param's socket type", () => {
    const w = wf(
      [{ id: "L", type: "test.Latent" }, { id: "A", type: "test.Source" }, { id: "B", type: "test.Add" }, { id: "D", type: "test.Show" }],
      [["A", "n", "B", "a"], ["L", "latent", "B", "k"], ["A", "n", "B", "control_after_generate"], ["B", "n", "D", "n"]],
    );
    expect(pick(validate(w, registry))).toEqual([
      { kind: "type_mismatch", nodeId: "B", field: "k" },
      { kind: "unknown_input", nodeId: "B", field: "control_after_generate" },
    ]);
  });
});
