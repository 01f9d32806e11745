// Custom node packs from a folder outside the repository: the example Title Card pack next to packs
// that fail in each way, through the real server (catalogue, a real generation, errors, interrupt)
// and the real `t2v serve` / `t2v run` commands.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRegistry } from "../../core/engine/index.ts";
import type { Logger } from "../../core/node/definition.ts";
import { builtinNodes } from "../../nodes/index.ts";
import { loadCustomNodes } from "../../server/custom-nodes.ts";
import { drawCaption, wrap } from "../../examples/custom_nodes/title-card/index.ts";
import { api, connect, isJobEnd, removeDir, startTestServer, type TestServer } from "./helpers.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bin = path.join(root, "bin/t2v.js");
const tmp = mkdtempSync(path.join(tmpdir(), "t2v-packs-"));
const packs = path.join(tmp, "custom_nodes");

/** Writes a pack folder: file name → contents. */
function pack(name: string, files: Record<string, string>, dir = packs): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name, file)), { recursive: true });
    writeFileSync(path.join(dir, name, file), text);
  }
}

/** A node definition as a pack written in plain JS writes it (api destructured). */
const jsNode = (type: string, run: string, extra = "") =>
  `defineNode({ type: "${type}", version: 1, title: "${type}", category: "test", description: "", inputs: {}, params: {}, outputs: {}, output: true, ${extra} run: ${run} })`;

beforeAll(() => {
  cpSync(path.join(root, "examples/custom_nodes/title-card"), path.join(packs, "title-card"), { recursive: true });
  pack("broken-import", { "index.mjs": 'throw new Error("boom at import");\n' });
  // package.json "main" and type module, as an npm-style pack lays itself out.
  pack("dup-type", {
    "package.json": JSON.stringify({ type: "module", main: "src/entry.js" }),
    "src/entry.js": `export default ({ defineNode }) => [${jsNode("dup.Sampler", "() => ({ outputs: {} })", 'aliases: ["KSampler"],')}];\n`,
  });
  pack("bad-def", { "index.ts": "export default [{ type: \"no-namespace\", version: 1, title: \"x\", category: \"x\", description: \"\", inputs: {}, params: {}, outputs: {}, run: () => ({ outputs: {} }) }];\n" });
  pack("hangs", { "index.mjs": "await new Promise(() => {});\nexport default [];\n" });
  pack("misc", {
    "index.mjs": `export default async ({ defineNode }) => [
  ${jsNode("misc.Throws", '() => { throw new Error("kaput"); }')},
  ${jsNode("misc.Forever", "() => new Promise(() => {})")},
];\n`,
  });
  pack("off.disabled", { "index.mjs": 'throw new Error("never imported");\n' });
});
afterAll(() => removeDir(tmp));

const silent: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe("loadCustomNodes", () => {
  it("skips each bad pack whole, with its error, and keeps the good ones", async () => {
    const warned: unknown[] = [];
    const log = { ...silent, warn: (o: unknown) => void warned.push(o) };
    const { registry, packs: report } = await loadCustomNodes([packs, path.join(tmp, "nowhere")], builtinNodes(), log, { timeoutMs: 1500 });
    const byName = Object.fromEntries(report.map((p) => [p.name, p]));
    expect(Object.keys(byName)).toEqual(["bad-def", "broken-import", "dup-type", "hangs", "misc", "title-card"]);
    expect(byName["title-card"]).toMatchObject({ status: "loaded", nodes: ["titlecard.TitleCard"], path: path.join(packs, "title-card") });
    expect(byName.misc).toMatchObject({ status: "loaded", nodes: ["misc.Throws", "misc.Forever"] });
    expect(byName["broken-import"]).toMatchObject({ status: "failed", nodes: [], error: "boom at import" });
    expect(byName["dup-type"].error).toBe('node type "dup.Sampler" claims "KSampler", which the built-in node "Sampler" (t2v.Sampler) already has');
    expect(byName["bad-def"].error).toMatch(/^node type "no-namespace": type must look like "namespace.Name"/);
    expect(byName.hangs.error).toMatch(/did not finish loading within 1500 ms/);
    expect(registry.get("titlecard.TitleCard")?.title).toBe("Title Card");
    expect(registry.get("dup.Sampler")).toBeUndefined();
    expect(registry.get("KSampler")?.type).toBe("t2v.Sampler");
    expect(registry.packOf?.("titlecard.TitleCard")).toBe("title-card");
    expect(registry.packOf?.("t2v.Sampler")).toBeUndefined();
    // One log line per skipped pack, and one for the folder that is not there.
    expect(warned).toHaveLength(5);
    expect(warned).toContainEqual({ dir: path.join(tmp, "nowhere") });
  });

  it("refuses a pack whose export is not a list of definitions, and a second pack claiming the first one's type", async () => {
    const dir = path.join(tmp, "more");
    pack("a-first", { "index.mjs": `export default ({ defineNode }) => [${jsNode("same.Node", "() => ({ outputs: {} })")}];\n` }, dir);
    pack("b-second", { "index.mjs": `export default ({ defineNode }) => [${jsNode("same.Node", "() => ({ outputs: {} })")}];\n` }, dir);
    pack("c-object", { "index.mjs": "export default { nodes: [] };\n" }, dir);
    pack("d-returns", { "index.mjs": "export default () => 42;\n" }, dir);
    pack("e-empty", { "README.md": "no code\n" }, dir);
    const { packs: report } = await loadCustomNodes([dir], [], silent);
    expect(report.map((p) => [p.name, p.status, p.error])).toEqual([
      ["a-first", "loaded", undefined],
      ["b-second", "failed", 'node type "same.Node" claims "same.Node", which the pack "a-first" already has'],
      ["c-object", "failed", "the default export must be a function (api) => NodeDef[] or an array of node definitions; it exports object"],
      ["d-returns", "failed", "the default export must be a function (api) => NodeDef[] or an array of node definitions; its function returned number"],
      ["e-empty", "failed", 'no entry point (package.json "main", index.ts, index.mts, index.js, index.mjs)'],
    ]);
  });
});

describe("the Title Card node", () => {
  it("draws the caption on the chosen frames only, leaving its input alone", () => {
    const clip = { rgb: new Uint8Array(3 * 48 * 32 * 3).fill(100), width: 48, height: 32, frames: 3, batch: 1, fps: 8 };
    const out = drawCaption(clip, { text: "HI", position: "top", size: 2, rgb: [255, 0, 0], background: 0.5, start: 1, duration: 1 });
    const px = (f: number, x: number, y: number) => [...out.rgb.subarray((f * 32 * 48 + y * 48 + x) * 3, (f * 32 * 48 + y * 48 + x) * 3 + 3)];
    expect(clip.rgb.every((v) => v === 100)).toBe(true);
    // "HI" is 2 glyphs of 6 dots at 2 px: 22 px wide, centred; the H's left stem starts at x 13, y 4.
    expect(px(1, 13, 4)).toEqual([255, 0, 0]);
    expect(px(1, 0, 4)).toEqual([50, 50, 50]); // the band, darkened by half
    expect(px(1, 0, 30)).toEqual([100, 100, 100]); // below the band
    expect(px(0, 13, 4)).toEqual([100, 100, 100]); // before `start`
    expect(px(2, 13, 4)).toEqual([100, 100, 100]); // after `duration`
    expect(wrap("a red ball falls", 8)).toEqual(["a red", "ball", "falls"]);
  });
});

describe("a server with custom node packs", () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ registry: createRegistry(builtinNodes()), customNodeDirs: [packs], customNodeTimeoutMs: 1500 });
  });
  afterAll(() => srv?.stop());

  it("lists pack nodes with their pack, and reports the skipped packs", async () => {
    const info = (await api(srv.url, "/object_info")).json;
    expect(info["titlecard.TitleCard"]).toMatchObject({ display_name: "Title Card", python_module: "custom_nodes.title-card", category: "video/text" });
    expect(info["t2v.Sampler"].python_module).toBe("nodes.t2v");
    expect((await api(srv.url, "/object_info/titlecard.TitleCard")).json["titlecard.TitleCard"].python_module).toBe("custom_nodes.title-card");
    const nodes = (await api(srv.url, "/api/nodes")).json as { type: string; pack?: string }[];
    expect(nodes.find((n) => n.type === "titlecard.TitleCard")?.pack).toBe("title-card");
    expect(nodes.find((n) => n.type === "t2v.Sampler")).not.toHaveProperty("pack");
    expect((await api(srv.url, "/api/nodes/titlecard.TitleCard")).json.pack).toBe("title-card");

    const report = (await api(srv.url, "/api/custom_nodes")).json as { name: string; status: string; error?: string }[];
    const failed = report.filter((p) => p.status === "failed");
    expect(failed.map((p) => p.name)).toEqual(["bad-def", "broken-import", "dup-type", "hangs"]);
    for (const p of failed) expect(p.error).toEqual(expect.any(String));
    expect((await api(srv.url, "/extensions")).json).toEqual([]);
  });

  it("runs a generation through the Title Card: the band's pixels change, the rest stay", async () => {
    const t2v = JSON.parse(readFileSync(path.join(root, "workflows/text-to-video.json"), "utf8")) as { nodes: { id: string; type: string; params: Record<string, unknown> }[]; links: { id: string; from: { node: string }; to: { node: string } }[] };
    const keep = new Set(["1", "2", "3", "4", "5", "6", "7"]);
    const nodes = t2v.nodes.filter((n) => keep.has(n.id)).map((n) => (n.id === "5" ? { ...n, params: { ...n.params, steps: 2 } } : n));
    const save = (id: string, prefix: string) => ({ id, type: "t2v.SaveFrames", params: { filename_prefix: prefix, ai_mark: false } });
    const workflow = {
      version: 2,
      nodes: [...nodes, { id: "20", type: "titlecard.TitleCard", params: { text: "Moon", position: "bottom", size: 1, colour: "#ffff00", background: 1 } }, save("21", "titled"), save("22", "plain")],
      links: [
        ...t2v.links.filter((l) => keep.has(l.from.node) && keep.has(l.to.node)),
        { id: "20", from: { node: "7", output: "FRAMES" }, to: { node: "20", input: "frames" } },
        { id: "21", from: { node: "20", output: "FRAMES" }, to: { node: "21", input: "frames" } },
        { id: "22", from: { node: "7", output: "FRAMES" }, to: { node: "22", input: "frames" } },
      ],
    };
    const c = await connect(srv.url, { clientId: "tc" });
    const r = await api(srv.url, "/prompt", { workflow, client_id: "tc" });
    expect(r.status).toBe(200);
    await c.waitFor(isJobEnd(r.json.prompt_id), 120_000);
    await c.close();
    const h = (await api(srv.url, `/history/${r.json.prompt_id}`)).json[r.json.prompt_id];
    expect(h.status.status_str).toBe("success");
    const first = async (nodeId: string) => {
      const img = h.outputs[nodeId].images[0] as { subfolder: string; filename: string };
      return sharp(path.join(srv.paths.output, img.subfolder, img.filename)).raw().toBuffer({ resolveWithObject: true });
    };
    const [titled, plain] = [await first("21"), await first("22")];
    expect(titled.info).toMatchObject({ width: 64, height: 64, channels: 3 });
    // background 1: the band (9 rows above a 1 px margin) is black but for the yellow letters.
    const row = (img: Buffer, y: number) => [...img.subarray(y * 64 * 3, (y + 1) * 64 * 3)];
    for (let y = 0; y < 54; y++) expect(row(titled.data, y)).toEqual(row(plain.data, y));
    const band = Array.from({ length: 9 }, (_, k) => row(titled.data, 54 + k)).flat();
    const pixels = Array.from({ length: band.length / 3 }, (_, i) => band.slice(i * 3, i * 3 + 3).join(","));
    expect(new Set(pixels)).toEqual(new Set(["0,0,0", "255,255,0"]));
    expect(pixels.filter((p) => p === "255,255,0").length).toBeGreaterThan(40);
  });

  it("fails a job whose pack node throws, naming the pack", async () => {
    const c = await connect(srv.url, { clientId: "th" });
    const r = await api(srv.url, "/prompt", { prompt: { "1": { class_type: "misc.Throws", inputs: {} } }, client_id: "th" });
    await c.waitFor(isJobEnd(r.json.prompt_id));
    const err = c.forPrompt(r.json.prompt_id).find((m) => m.type === "execution_error");
    expect(err?.data).toMatchObject({ node_id: "1", node_type: "misc.Throws", exception_message: "[pack misc] kaput" });
    await c.close();
  });

  it("interrupts a pack node that awaits forever and ignores the signal", async () => {
    const c = await connect(srv.url, { clientId: "fe" });
    const r = await api(srv.url, "/prompt", { prompt: { "1": { class_type: "misc.Forever", inputs: {} } }, client_id: "fe" });
    await c.waitFor((m) => m.type === "executing" && m.data.node === "1" && m.data.prompt_id === r.json.prompt_id);
    expect((await api(srv.url, "/interrupt", {})).json.interrupted).toBe(r.json.prompt_id);
    await c.waitFor(isJobEnd(r.json.prompt_id), 5000);
    expect(c.forPrompt(r.json.prompt_id).some((m) => m.type === "execution_interrupted")).toBe(true);
    // The queue goes on.
    const next = await api(srv.url, "/prompt", { prompt: { "1": { class_type: "t2v.Int", inputs: { value: 2 } }, "2": { class_type: "t2v.ShowValue", inputs: { value: ["1", 0] } } }, client_id: "fe" });
    await c.waitFor(isJobEnd(next.json.prompt_id));
    expect(c.forPrompt(next.json.prompt_id).some((m) => m.type === "execution_success")).toBe(true);
    await c.close();
  });
});

describe("the t2v command with --custom-nodes", () => {
  const cliPacks = path.join(tmp, "cli-packs");
  beforeAll(() => {
    cpSync(path.join(root, "examples/custom_nodes/title-card"), path.join(cliPacks, "title-card"), { recursive: true });
    pack("broken", { "index.mjs": 'throw new Error("boom");\n' }, cliPacks);
    pack("grey", { "index.mjs": `export default ({ defineNode, p, FRAMES }) => [defineNode({ type: "grey.Frames", version: 1, title: "Grey", category: "test", description: "", inputs: {}, params: { frames: p.int({ default: 2 }) }, outputs: { FRAMES }, run: (_c, { frames }) => ({ outputs: { FRAMES: { rgb: new Uint8Array(frames * 32 * 32 * 3).fill(128), width: 32, height: 32, frames, batch: 1, fps: 8 } } }) })];\n` }, cliPacks);
  });

  it("t2v run loads the packs and runs their nodes", async () => {
    const wf = {
      version: 2,
      nodes: [
        { id: "1", type: "grey.Frames", params: { frames: 2 } },
        { id: "2", type: "titlecard.TitleCard", params: { text: "OK", position: "center", colour: "#00ff00", background: 0 } },
        { id: "3", type: "t2v.SaveFrames", params: { filename_prefix: "cli", ai_mark: false } },
      ],
      links: [
        { id: "1", from: { node: "1", output: "FRAMES" }, to: { node: "2", input: "frames" } },
        { id: "2", from: { node: "2", output: "FRAMES" }, to: { node: "3", input: "frames" } },
      ],
    };
    writeFileSync(path.join(tmp, "cli.json"), JSON.stringify(wf));
    const r = spawnSync(process.execPath, [bin, "run", "cli.json", "--custom-nodes", cliPacks, "--out", "out", "--json"], { cwd: tmp, encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toMatch(/^warning: custom node pack "broken" skipped: boom$/m);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { status: string; files: string[] };
    expect(out.status).toBe("success");
    expect(out.files).toHaveLength(2);
    const { data } = await sharp(out.files[0]).raw().toBuffer({ resolveWithObject: true });
    const colours = new Set(Array.from({ length: data.length / 3 }, (_, i) => [...data.subarray(i * 3, i * 3 + 3)].join(",")));
    expect(colours).toEqual(new Set(["128,128,128", "0,255,0"]));
  });

  it("t2v serve --port 0 --custom-nodes serves the packs and prints the skipped ones", async () => {
    const child = spawn(process.execPath, [bin, "serve", "--port", "0", "--custom-nodes", cliPacks, "--data-dir", "data"], { cwd: tmp, env: { ...process.env, LOG_LEVEL: "warn" } });
    try {
      let stdout = "";
      const url = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no URL printed in 60 s:\n${stdout}`)), 60_000);
        child.stdout.on("data", (d: Buffer) => {
          stdout += d.toString();
          const m = /custom node packs: .*\n/.test(stdout) && /t2v studio: (http:\/\/[^/\s]+)\//.exec(stdout);
          if (!m) return;
          clearTimeout(t);
          resolve(m[1]);
        });
        child.once("exit", (code) => reject(new Error(`serve exited ${code}:\n${stdout}`)));
      });
      expect(stdout).toContain("custom node packs: 2 loaded, 1 skipped (broken; see /api/custom_nodes)");
      const report = (await api(url, "/api/custom_nodes")).json as { name: string; status: string }[];
      expect(report.map((p) => `${p.name}:${p.status}`)).toEqual(["broken:failed", "grey:loaded", "title-card:loaded"]);
      expect((await api(url, "/object_info/titlecard.TitleCard")).json["titlecard.TitleCard"].python_module).toBe("custom_nodes.title-card");
    } finally {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
  });
});
