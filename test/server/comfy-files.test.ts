// Dropping a file ComfyUI or VideoHelperSuite wrote: POST /api/provenance reads the graph it carries.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadWorkflow, toApiPrompt, type ApiPrompt, type Workflow } from "../../core/engine/index.ts";
import { registry } from "../../nodes/index.ts";
import { asciiJson } from "../../nodes/video/containers.ts";
import { comfyPng, keyed, plainPng, vhsVideo, withPngChunks } from "../video/comfy-fixtures.ts";
import { api, removeDir, startTestServer, type TestServer } from "./helpers.ts";

let srv: TestServer;
let template: Workflow;
let prompt: ApiPrompt;

beforeAll(async () => {
  srv = await startTestServer({ registry });
  template = loadWorkflow(JSON.parse(await readFile(path.join(import.meta.dirname, "../../workflows/text-to-video.json"), "utf8")), registry);
  // The template as ComfyUI would have queued it: its class names where our nodes answer to one.
  prompt = toApiPrompt(template, registry);
  for (const entry of Object.values(prompt)) entry.class_type = registry.get(entry.class_type)?.aliases?.at(-1) ?? entry.class_type;
});
afterAll(async () => {
  await srv.stop();
  removeDir(srv.dir);
});

function drop(bytes: Buffer, name: string) {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(bytes)]), name);
  return api(srv.url, "/api/provenance", undefined, { method: "POST", body: form });
}

const idsAndTypes = (nodes: { id: string; type: string }[]) => nodes.map((n) => `${n.id}:${n.type}`).sort();

describe("POST /api/provenance with files ComfyUI wrote", () => {
  it("reads the API prompt in a SaveImage PNG into our graph", async () => {
    expect(Object.values(prompt).map((e) => e.class_type)).toEqual(expect.arrayContaining(["KSampler", "CLIPTextEncode", "EmptyLatentImage", "VAEDecode", "CheckpointLoaderSimple"]));
    const res = await drop(await comfyPng({ prompt }), "ComfyUI_00001_.png");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ source: "comfyui", provenance: null, workflow: { version: 2 } });
    const nodes = res.json.workflow.nodes as Workflow["nodes"];
    expect(nodes.map((n) => [n.id, n.type])).toEqual(template.nodes.map((n) => [n.id, n.type]));
    expect(nodes.find((n) => n.id === "2")?.params.text).toBe("a red ball falls and bounces on the ground");
    expect(nodes.find((n) => n.id === "6")?.params).toMatchObject({ sampler_name: "euler", cfg: 3 });
    const links = (res.json.workflow.links as Workflow["links"]).map((l) => `${l.from.node}.${l.from.output}>${l.to.node}.${l.to.input}`);
    expect(links.sort()).toEqual(template.links.map((l) => `${l.from.node}.${l.from.output}>${l.to.node}.${l.to.input}`).sort());
  });

  it("prefers the workflow entry, and falls back to the prompt when the workflow cannot be read", async () => {
    const own = { version: 2, metadata: { title: "from the workflow entry", description: "" }, nodes: [{ id: "1", type: "t2v.LoadModel", params: {} }] };
    const both = await drop(await comfyPng({ prompt, workflow: own }), "both.png");
    expect(both.json.workflow.metadata.title).toBe("from the workflow entry");
    const broken = await drop(await comfyPng({ prompt, workflow: { version: 0.4, nodes: "not a list", links: 7 } }), "broken-workflow.png");
    expect(broken.status).toBe(200);
    expect(idsAndTypes(broken.json.workflow.nodes)).toEqual(idsAndTypes(template.nodes));
  });

  it("reads a VHS_VideoCombine MP4, whose comment holds the prompt and the UI workflow", async () => {
    // The UI workflow mirrors the prompt's nodes; whichever entry loads, the graph is the same.
    const workflow = {
      last_node_id: template.nodes.length,
      last_link_id: 0,
      nodes: Object.entries(prompt).map(([id, e], order) => ({ id: Number(id), type: e.class_type, pos: [order * 340, 0], size: [300, 100], flags: {}, order, mode: 0, properties: { "Node name for S&R": e.class_type } })),
      links: [],
      groups: [],
      config: {},
      extra: {},
      version: 0.4,
    };
    const file = path.join(srv.dir, "AnimateDiff_00001.mp4");
    await vhsVideo(file, { prompt, workflow });
    const res = await drop(await readFile(file), "AnimateDiff_00001.mp4");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ source: "comfyui", provenance: null });
    expect(idsAndTypes(res.json.workflow.nodes)).toEqual(idsAndTypes(template.nodes));
  });

  it("answers 422 no_workflow for a file with neither entry, and names the entry that is broken", async () => {
    const plain = await drop(await plainPng(), "photo.png");
    expect(plain.status).toBe(422);
    expect(plain.json.error).toMatchObject({ type: "no_workflow", message: expect.stringMatching(/^photo\.png: /) });
    const text = await drop(Buffer.from("just some notes"), "notes.png");
    expect(text.status).toBe(422);
    expect(text.json.error.type).toBe("no_workflow");
    const cut = asciiJson(prompt).slice(0, 200);
    const broken = await drop(withPngChunks(await plainPng(), [keyed("tEXt", "prompt", cut)]), "cut.png");
    expect(broken.status).toBe(422);
    expect(broken.json.error.message).toMatch(/^cut\.png: .*"prompt" entry is not valid JSON/);
  });
});
