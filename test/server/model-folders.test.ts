// Model folders: a pack copied into a --models folder while the server runs is listed and chosen
// without a restart; a pack name that is not there is refused by validation, with the ones that are.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRegistry } from "../../core/engine/index.ts";
import { builtinNodes } from "../../nodes/index.ts";
import { packChoices } from "../../nodes/model/pack.ts";
import { SHIPPED_MODELS } from "../../nodes/model/roots.ts";
import { createServices, modelDirsFrom } from "../../server/services.ts";
import { api, connect, isJobEnd, removeDir, startTestServer, type TestServer } from "./helpers.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const tmp = mkdtempSync(path.join(tmpdir(), "t2v-models-"));
const models = path.join(tmp, "models");
afterAll(() => removeDir(tmp));

// The packs in the repo's models/: the bundled ones, and any a developer exported there to try
// (`models/candidate-*`, git-ignored). The new folders' packs are listed after them.
const shipped = packChoices([SHIPPED_MODELS]);
const shippedUpscalers = packChoices([SHIPPED_MODELS], "upscaler");

const packParam = (info: Record<string, { input: { required: Record<string, unknown[]> } }>, type: string, name: string) => info[type].input.required[name][0];

describe("a models folder added to the server", () => {
  let srv: TestServer;
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmp, "server-"));
    const services = createServices({ outputDir: path.join(dir, "output"), inputDir: path.join(dir, "input"), tempDir: path.join(dir, "temp"), modelDirs: [models] });
    srv = await startTestServer({ dir, services, registry: createRegistry(builtinNodes(services.modelRoots)) });
  });
  afterAll(() => srv?.stop());

  it("lists a pack copied in after start in /models and the loaders' choices", async () => {
    expect(shipped).toContain("physics-tiny");
    expect((await api(srv.url, "/models/packs")).json).toEqual(shipped);
    expect(packParam((await api(srv.url, "/object_info")).json, "t2v.LoadModel", "pack")).toEqual(shipped);

    cpSync(path.join(root, "models/physics-tiny"), path.join(models, "my-pack"), { recursive: true });
    cpSync(path.join(root, "models/physics-tiny-upscaler"), path.join(models, "my-upscaler"), { recursive: true });

    expect((await api(srv.url, "/models/packs")).json).toEqual([...shipped, "my-pack"]);
    expect((await api(srv.url, "/models/upscale_models")).json).toEqual([...shippedUpscalers, "my-upscaler"]);
    const info = (await api(srv.url, "/object_info")).json;
    expect(packParam(info, "t2v.LoadModel", "pack")).toEqual([...shipped, "my-pack"]);
    expect(packParam(info, "t2v.LoadUpscaleModel", "model_name")).toEqual([...shippedUpscalers, "my-upscaler"]);
    const node = (await api(srv.url, "/api/nodes/t2v.LoadModel")).json as { params: { name: string; choices?: string[] }[] };
    expect(node.params.find((p) => p.name === "pack")?.choices).toEqual([...shipped, "my-pack"]);
  });

  it("runs a job on the new pack, and refuses a missing one naming the packs there are", async () => {
    const prompt = (pack: string) => ({
      "1": { class_type: "t2v.LoadModel", inputs: { pack, device: "cpu", if_unavailable: "fall back to cpu" } },
      "2": { class_type: "t2v.TextEncode", inputs: { clip: ["1", 1], text: "a red ball" } },
      "3": { class_type: "t2v.ShowValue", inputs: { value: ["2", 0] } },
    });
    const bad = await api(srv.url, "/prompt", { prompt: prompt("nope") });
    expect(bad.status).toBe(400);
    expect(bad.json.node_errors["1"].errors[0]).toMatchObject({ type: "invalid_value", extra_info: { input_name: "pack" } });
    expect(bad.json.node_errors["1"].errors[0].message).toContain(`no model pack named "nope" (available: ${[...shipped, "my-pack"].join(", ")})`);

    const c = await connect(srv.url, { clientId: "mp" });
    const ok = await api(srv.url, "/prompt", { prompt: prompt("my-pack"), client_id: "mp" });
    expect(ok.status).toBe(200);
    await c.waitFor(isJobEnd(ok.json.prompt_id), 120_000);
    const h = (await api(srv.url, `/history/${ok.json.prompt_id}`)).json[ok.json.prompt_id];
    expect(h.status.status_str).toBe("success");
    await c.close();
  });
});

describe("model folders on the command line", () => {
  const t2v = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [path.join(root, "bin/t2v.js"), ...args], { cwd: tmp, encoding: "utf8", timeout: 60_000, env: { ...process.env, T2V_MODEL_DIRS: "", ...env } });
  const workflow = path.join(root, "workflows/text-to-video.json");

  it("t2v run refuses a missing pack before running anything, listing the packs of --models and T2V_MODEL_DIRS", () => {
    cpSync(path.join(root, "models/physics-tiny"), path.join(tmp, "more/other-pack"), { recursive: true });
    if (!existsSync(path.join(models, "my-pack"))) cpSync(path.join(root, "models/physics-tiny"), path.join(models, "my-pack"), { recursive: true });
    const plain = t2v(["run", workflow, "--set", "1.pack=nope"]);
    expect(plain.status).toBe(2);
    expect(plain.stderr.trim()).toBe(`error: node 1 (t2v.LoadModel) pack: invalid_value: no model pack named "nope" (available: ${shipped.join(", ")})`);
    const more = t2v(["run", workflow, "--set", "1.pack=nope", "--models", models], { T2V_MODEL_DIRS: ["/no/such/dir", path.join(tmp, "more")].join(path.delimiter) });
    expect(more.status).toBe(2);
    expect(more.stderr).toContain(`no model pack named "nope" (available: ${[...shipped, "my-pack", "other-pack"].join(", ")})`);
    expect(more.stderr).not.toContain("running node");
  });

  it("reads T2V_MODEL_DIRS with the platform's delimiter, after the --models folders", () => {
    expect(modelDirsFrom(["a"], ["b", "", "c"].join(path.delimiter))).toEqual(["a", "b", "c"]);
    expect(modelDirsFrom([], undefined)).toEqual([]);
  });
});
