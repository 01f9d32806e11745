// A script written for ComfyUI's API, unchanged; and the other ComfyUI and studio routes.
import { mkdirSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { api, chainPrompt, connect, isJobEnd, removeDir, startTestServer, type TestServer } from "./helpers.ts";

let srv: TestServer;
const readFiles: string[] = [];
beforeAll(async () => {
  srv = await startTestServer({
    readProvenance: async (file) => {
      readFiles.push(await readFile(file, "latin1"));
      return { ai_generated: true, workflow: { version: 2, nodes: [{ id: "1", type: "t2v.Int", params: { value: 4 } }] } };
    },
  });
  const lib = path.join(srv.dir, "shipped-workflows");
  mkdirSync(lib, { recursive: true });
  writeFileSync(path.join(lib, "hello.json"), JSON.stringify({ version: 2, metadata: { title: "Hello", description: "shipped" }, nodes: [] }));
});
afterAll(async () => {
  await srv.stop();
  removeDir(srv.dir);
});

/** ComfyUI's websockets_api_example.py, line for line, in TypeScript. */
async function comfyScript(server: string, prompt: Record<string, unknown>): Promise<Record<string, Buffer[]>> {
  const clientId = crypto.randomUUID();
  const ws = new WebSocket(`ws://${server}/ws?clientId=${clientId}`);
  const messages: string[] = [];
  let wake: () => void = () => {};
  ws.on("message", (data, isBinary) => {
    if (!isBinary) messages.push(data.toString());
    wake();
  });
  await new Promise((r) => ws.once("open", r));
  // urllib.request.Request(url, data=json.dumps(p).encode('utf-8')): posted as a form, not JSON.
  const queued = await fetch(`http://${server}/prompt`, { method: "POST", body: JSON.stringify({ prompt, client_id: clientId }), headers: { "content-type": "application/x-www-form-urlencoded" } });
  const promptId = ((await queued.json()) as { prompt_id: string }).prompt_id;
  for (;;) {
    const out = messages.shift();
    if (out === undefined) {
      await new Promise<void>((r) => (wake = r));
      continue;
    }
    const message = JSON.parse(out) as { type: string; data: { node: string | null; prompt_id: string } };
    if (message.type === "executing" && message.data.node === null && message.data.prompt_id === promptId) break;
  }
  const history = ((await (await fetch(`http://${server}/history/${promptId}`)).json()) as Record<string, { outputs: Record<string, { images?: { filename: string; subfolder: string; type: string }[] }> }>)[promptId];
  const outputImages: Record<string, Buffer[]> = {};
  for (const [nodeId, nodeOutput] of Object.entries(history.outputs)) {
    const images: Buffer[] = [];
    for (const image of nodeOutput.images ?? []) {
      const q = new URLSearchParams({ filename: image.filename, subfolder: image.subfolder, type: image.type });
      images.push(Buffer.from(await (await fetch(`http://${server}/view?${q}`)).arrayBuffer()));
    }
    outputImages[nodeId] = images;
  }
  ws.close();
  return outputImages;
}

describe("ComfyUI API compatibility", () => {
  it("runs ComfyUI's websocket example script unchanged", async () => {
    const prompt = {
      "3": { class_type: "t2v.Int", inputs: { value: 6 }, _meta: { title: "Seconds" } },
      "4": { class_type: "t2v.IntMath", inputs: { a: ["3", 0], op: "multiply", b: 8 } },
      "9": { class_type: "test.SaveText", inputs: { value: ["4", 0], prefix: "frames" } },
    };
    const images = await comfyScript(new URL(srv.url).host, prompt);
    expect(Object.keys(images)).toEqual(["9"]);
    expect(images["9"].map((b) => b.toString())).toEqual(["value=48\n"]);
  });

  it("answers /prompt, /queue and /object_info in ComfyUI's shapes", async () => {
    expect((await api(srv.url, "/prompt")).json).toEqual({ exec_info: { queue_remaining: 0 } });
    expect((await api(srv.url, "/api/queue?clientId=whatever")).json).toEqual({ queue_running: [], queue_pending: [] });
    const info = (await api(srv.url, "/object_info")).json;
    expect(Object.keys(info).sort()).toEqual(["t2v.Int", "t2v.IntMath", "t2v.ShowValue", "test.SaveText", "test.Slow"]);
    expect(info["t2v.IntMath"]).toMatchObject({
      input: { required: { op: [["add", "subtract", "multiply", "divide", "modulo"], { default: "add" }], a: ["INT", { default: 0 }] }, optional: {} },
      output: ["INT"],
      output_name: ["INT"],
      name: "t2v.IntMath",
      display_name: "Int Math",
      category: "utils/math",
      output_node: false,
    });
    expect(info["t2v.ShowValue"].output_node).toBe(true);
    expect((await api(srv.url, "/object_info/t2v.Int")).json["t2v.Int"].display_name).toBe("Int");
    expect((await api(srv.url, "/object_info/Nope")).json).toEqual({});
    const ours = (await api(srv.url, "/api/nodes")).json;
    expect(ours.find((n: { type: string }) => n.type === "test.Slow").params.find((p: { name: string }) => p.name === "steps")).toMatchObject({ kind: "int", default: 3, min: 1, max: 10_000, schema: { type: "integer" } });
  });

  it("reports real system figures and the small listing routes", async () => {
    const s = (await api(srv.url, "/system_stats")).json;
    expect(s.system.ram_total).toBe(os.totalmem());
    expect(s.system.ram_free).toBeGreaterThan(0);
    expect(s.system.node_version).toBe(process.versions.node);
    expect(s.system.os).toBe(process.platform);
    expect(s.devices[0]).toMatchObject({ name: os.cpus()[0].model, type: "cpu", cores: os.cpus().length });
    expect(["unknown", false, true]).toContain(s.cuda.usable);
    expect(typeof s.system.versions.onnxruntime).toBe("string");
    expect((await api(srv.url, "/features")).json).toMatchObject({ supports_preview_metadata: true, max_upload_size: 100 * 1024 * 1024 });
    expect((await api(srv.url, "/embeddings")).json).toEqual([]);
    expect((await api(srv.url, "/extensions")).json).toEqual([]);
    expect((await api(srv.url, "/models")).json).toEqual(["packs", "upscale_models"]);
    expect(Array.isArray((await api(srv.url, "/models/packs")).json)).toBe(true);
    expect(Array.isArray((await api(srv.url, "/models/upscale_models")).json)).toBe(true);
    expect((await api(srv.url, "/models/loras")).status).toBe(404);
    expect((await api(srv.url, "/nope")).status).toBe(404);
  });

  it("frees the engine cache on POST /free", async () => {
    const c = await connect(srv.url, { clientId: "free" });
    const r = await api(srv.url, "/prompt", { prompt: chainPrompt(1, 1), client_id: "free" });
    await c.waitFor(isJobEnd(r.json.prompt_id));
    expect(srv.engine.cacheStats().entries).toBeGreaterThan(0);
    expect((await api(srv.url, "/free", { unload_models: false, free_memory: false })).json).toEqual({ unloaded_models: false, cleared_cache: false });
    expect(srv.engine.cacheStats().entries).toBeGreaterThan(0);
    expect((await api(srv.url, "/free", { unload_models: true, free_memory: true })).json).toEqual({ unloaded_models: true, cleared_cache: true });
    expect(srv.engine.cacheStats().entries).toBe(0);
    expect((await api(srv.url, "/free", { unload_models: "yes" })).json.error.message).toMatch(/unload_models/);
    await c.close();
  });

  it("accepts our own workflow format and keeps it for reloading", async () => {
    const workflow = {
      version: 2,
      metadata: { title: "Mine", description: "" },
      nodes: [
        { id: "a", type: "t2v.Int", params: { value: 20 }, position: { x: 10, y: 20 } },
        { id: "b", type: "t2v.ShowValue", params: {}, position: { x: 300, y: 20 } },
      ],
      links: [{ id: "l1", from: { node: "a", output: "INT" }, to: { node: "b", input: "value" } }],
    };
    const c = await connect(srv.url, { clientId: "own" });
    const r = await api(srv.url, "/api/prompt", { workflow, client_id: "own" });
    expect(r.status).toBe(200);
    await c.waitFor(isJobEnd(r.json.prompt_id));
    const h = (await api(srv.url, `/api/history/${r.json.prompt_id}`)).json[r.json.prompt_id];
    expect(h.outputs).toEqual({ b: { text: ["20"] } });
    expect(h.workflow).toMatchObject({ metadata: { title: "Mine" }, nodes: [{ id: "a", position: { x: 10, y: 20 } }, { id: "b" }], links: [{ id: "l1" }] });
    expect(h.prompt[2]).toEqual({ a: { class_type: "t2v.Int", inputs: { value: 20 }, _meta: { title: "Int" } }, b: { class_type: "t2v.ShowValue", inputs: { value: ["a", 0] }, _meta: { title: "Show Value" } } });
    await c.close();
  });
});

describe("studio routes", () => {
  it("lists, saves, reads and deletes workflows; shipped ones are read-only", async () => {
    expect((await api(srv.url, "/api/workflows")).json).toMatchObject([{ name: "hello", source: "shipped", title: "Hello" }]);
    // A version-1 document (numeric ids, widgets by position) is stored migrated.
    const doc = { version: 1, title: "Old", nodes: [{ id: 1, type: "t2v.Int", pos: [5, 6], widgets_values: [2] }], links: [] };
    const bad = await api(srv.url, "/api/workflows/mine", { version: 2, nodes: "no" }, { method: "PUT" });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/nodes/);
    const saved = await api(srv.url, "/api/workflows/My%20flow.json", doc, { method: "PUT" });
    expect(saved.json).toEqual({ name: "My flow", source: "user", version: 2 });
    const back = await api(srv.url, "/api/workflows/My%20flow");
    expect(back.json.version).toBe(2);
    expect(back.json.metadata.title).toBe("Old");
    expect(back.json.nodes[0]).toMatchObject({ id: "1", type: "t2v.Int", params: { value: 2 }, position: { x: 5, y: 6 } });
    expect(back.headers.get("x-workflow-source")).toBe("user");
    expect((await api(srv.url, "/api/workflows")).json.map((w: { name: string; source: string }) => `${w.source}:${w.name}`)).toEqual(["user:My flow", "shipped:hello"]);
    expect((await api(srv.url, "/api/workflows/hello", undefined, { method: "DELETE" })).status).toBe(403);
    expect((await api(srv.url, "/api/workflows/My%20flow", undefined, { method: "DELETE" })).json).toEqual({ name: "My flow", deleted: true });
    expect((await api(srv.url, "/api/workflows/My%20flow")).status).toBe(404);
  });

  it("extracts the workflow from a dropped file", async () => {
    const fromJson = await api(srv.url, "/api/provenance", JSON.stringify(chainPrompt(3, 1)), { method: "POST", headers: { "content-type": "application/json" } });
    expect(fromJson.json.source).toBe("json");
    expect(fromJson.json.workflow.nodes.map((n: { type: string }) => n.type)).toEqual(["t2v.Int", "test.Slow", "t2v.ShowValue"]);
    const video = Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from("ftypisom-fake-video")]);
    const form = new FormData();
    form.append("file", new Blob([video]), "clip.mp4");
    const fromVideo = await api(srv.url, "/api/provenance", undefined, { method: "POST", body: form });
    expect(fromVideo.json).toMatchObject({ source: "provenance", provenance: { ai_generated: true }, workflow: { version: 2, nodes: [{ id: "1", type: "t2v.Int" }] } });
    expect(readFiles.at(-1)).toBe(video.toString("latin1"));
    const notWorkflow = await api(srv.url, "/api/provenance", "{\"hello\": 1", { method: "POST" });
    expect(notWorkflow.status).toBe(422);
  });

  it("serves a page at / that says how to build the editor", async () => {
    const page = await api(srv.url, "/");
    expect(page.status).toBe(200);
    expect(page.text).toContain("npm run build");
  });
});
