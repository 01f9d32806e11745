import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { registry } from "../../nodes/index.ts";
import { loadWorkflow, toComfyUi } from "../../core/engine/index.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bin = path.join(root, "bin/t2v.js");
const fixture = (name: string) => path.join(root, "test/fixtures", name);

const cwd = mkdtempSync(path.join(tmpdir(), "t2v-cli-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/** The real CLI as a child process, from a cwd outside the repo. */
function t2v(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("t2v run", () => {
  it("runs a ComfyUI UI-format file, and refuses one with types not installed, naming them", () => {
    const ours = loadWorkflow(JSON.parse(readFileSync(path.join(root, "workflows/text-to-video.json"), "utf8")), registry);
    const file = path.join(cwd, "comfy-ui.json");
    writeFileSync(file, JSON.stringify(toComfyUi(ours, registry)));
    const r = t2v("run", file, "--set", "5.steps=2", "--out", path.join(cwd, "out"), "--json");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).files[0]).toMatch(/t2v_00001\.mp4$/);

    const shared = t2v("run", fixture("comfyui/shared-0.4.json"));
    expect(shared.code).toBe(2);
    expect(shared.stderr).toContain("warning: link 16 (node 99 #0 → node 9 #0) dropped: node 99 does not exist");
    expect(shared.stderr).toContain("error: 1 node type is not installed: SaveImage");
  }, 60_000);

  it("prints a node's warnings as it runs, as readable lines naming the node", () => {
    const prompt = "At night, three huge blue cubes get hurled to the left!";
    const r = t2v("run", path.join(root, "workflows/text-to-video.json"), "--set", `2.text=${prompt}`, "--set", "5.steps=2", "--out", path.join(cwd, "out-read"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^warning: node 2 \(Text Encode\): read as "three large blue boxes [^"]* to the left under the night sky"$/m);
    expect(r.stderr).not.toMatch(/^\{/m);
    expect(r.stdout).toMatch(/^node 2 \(Text Encode\): read as "three large blue boxes [^"]* to the left under the night sky"$/m);
  }, 60_000);

  it("exits 2 and prints every validation error with node id and field", () => {
    const r = t2v("run", fixture("invalid.json"));
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^error: node math \(t2v\.IntMath\) op: unknown_choice: /);
    expect(lines[1]).toMatch(/^error: node lonely \(t2v\.ShowValue\) value: missing_input: /);
    expect(lines[2]).toBe("error: node math (t2v.IntMath) a: type_mismatch: input \"a\" takes INT but link wrong-type brings STRING from node text");
    expect(lines[3]).toMatch(/^error: node show \(t2v\.ShowValue\) value: dangling_link: .*"ghost"/);
    expect(r.stdout).toBe("");
  });

  it("gives the same errors as JSON with --json", () => {
    const r = t2v("run", fixture("invalid.json"), "--json");
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout);
    expect(out.status).toBe("invalid");
    expect(out.errors.map((e: { nodeId: string; field: string; kind: string }) => `${e.nodeId}.${e.field}:${e.kind}`)).toEqual([
      "math.op:unknown_choice",
      "lonely.value:missing_input",
      "math.a:type_mismatch",
      "show.value:dangling_link",
    ]);
  });

  it("runs a valid workflow and prints its outputs", () => {
    const r = t2v("run", fixture("valid.json"));
    expect(r.stderr).toContain("running node 2 (Show Value)");
    expect(r.stdout).toBe("node 2 (Show Value): 3\n");
    expect(r.code).toBe(0);
  });

  it("applies --set overrides and prints a JSON summary", () => {
    const r = t2v("run", fixture("valid.json"), "--set", "1.value=42", "--json", "--out", "out");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ status: "success", ran: ["1", "2"], cached: [], outputs: { "2": { text: ["42"] } }, files: [] });
    expect(typeof out.jobId).toBe("string");
  });

  it("exits 2 on a --set for a node that is not there, or a value out of range", () => {
    const missing = t2v("run", fixture("valid.json"), "--set", "9.value=1");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--set 9.value=1: no node "9" in the workflow');
    const range = t2v("run", fixture("valid.json"), "--set", "1.value=1e300");
    expect(range.code).toBe(2);
    expect(range.stderr).toMatch(/node 1 \(t2v\.Int\) value: (out_of_range|wrong_type)/);
  });

  it("exits 1 with the node's error when a node fails", () => {
    const r = t2v("run", fixture("divide-by-zero.json"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: node div (t2v.IntMath): cannot divide by zero");
  });

  it("runs ComfyUI API-format prompts", () => {
    const r = t2v("run", fixture("api-prompt.json"));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("node 9 (Show Value): 48\n");
  });
});

describe("t2v serve", () => {
  it("validates its options", () => {
    const r = t2v("serve", "--port", "99999");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--port: .*65535/);
  });
});
