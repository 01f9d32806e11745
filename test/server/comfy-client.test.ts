// Scripts written for ComfyUI's protocol: the first `executed` comes from an output node, and
// downloading every `images` entry gets the video. The shipped template on the bundled model.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { registry } from "../../nodes/index.ts";
import { loadWorkflow, toApiPrompt } from "../../core/engine/index.ts";
import { removeDir, startTestServer, type TestServer } from "./helpers.ts";

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer({ registry });
});
afterAll(async () => {
  await srv.stop();
  removeDir(srv.dir);
});

interface Listed {
  filename: string;
  subfolder: string;
  type: string;
}

/** A client as people write them: queue, wait for the first `executed`, download its `images`. */
async function firstExecuted(base: string, prompt: Record<string, unknown>): Promise<{ node: string; output: Record<string, unknown>; files: Buffer[]; types: string[] }> {
  const host = base.replace(/^http:\/\//, "");
  const clientId = crypto.randomUUID();
  const ws = new WebSocket(`ws://${host}/ws?clientId=${clientId}`);
  const types: string[] = [];
  const job = { id: "" };
  const executed = new Promise<{ node: string; output: Record<string, unknown> }>((resolve, reject) => {
    ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      const m = JSON.parse(data.toString()) as { type: string; data: { node: string; output: Record<string, unknown>; prompt_id: string } };
      types.push(m.type);
      if (m.type === "executed" && m.data.prompt_id === job.id) resolve(m.data);
      if (m.type === "execution_error") reject(new Error(JSON.stringify(m.data)));
    });
  });
  await new Promise((r) => ws.once("open", r));
  const queued = await fetch(`${base}/prompt`, { method: "POST", body: JSON.stringify({ prompt, client_id: clientId }) });
  job.id = ((await queued.json()) as { prompt_id: string }).prompt_id;
  const first = await executed;
  const files: Buffer[] = [];
  for (const image of (first.output.images ?? []) as Listed[]) {
    const q = new URLSearchParams({ filename: image.filename, subfolder: image.subfolder, type: image.type });
    files.push(Buffer.from(await (await fetch(`${base}/view?${q}`)).arrayBuffer()));
  }
  ws.close();
  return { ...first, files, types };
}

describe("a ComfyUI-style client", () => {
  it("gets the MP4 from the first `executed`, listed under images (and gifs)", async () => {
    const doc = JSON.parse(readFileSync(path.join(import.meta.dirname, "../../workflows/text-to-video.json"), "utf8")) as unknown;
    const wf = loadWorkflow(doc, registry);
    const scheduler = wf.nodes.find((n) => n.type === "t2v.Scheduler");
    if (!scheduler) throw new Error("the template has no scheduler");
    scheduler.params.steps = 3;
    const writer = wf.nodes.find((n) => n.type === "t2v.VideoWriter");
    const got = await firstExecuted(srv.url, toApiPrompt(wf, registry));

    expect(got.node).toBe(writer?.id);
    // The scheduler's curve and the sampler's counts went out as `display`, before it.
    expect(got.types.filter((t) => t === "display").length).toBeGreaterThanOrEqual(2);
    expect(got.files).toHaveLength(1);
    expect(got.files[0].subarray(4, 8).toString("latin1")).toBe("ftyp");
    expect(got.output.animated).toEqual([true]);
    const [gif] = got.output.gifs as (Listed & { format: string; frame_rate: number })[];
    expect(gif).toMatchObject({ ...(got.output.images as Listed[])[0], format: "video/h264-mp4", frame_rate: 8 });
  });

  it("lists every node in /object_info, output_node true exactly for output nodes", async () => {
    const info = (await (await fetch(`${srv.url}/object_info`)).json()) as Record<string, { output_node: boolean }>;
    expect(Object.keys(info).sort()).toEqual(registry.list().map((d) => d.type).sort());
    for (const def of registry.list()) expect(info[def.type].output_node, def.type).toBe(def.output === true);
    expect(info["t2v.VideoWriter"].output_node).toBe(true);
    expect(info["t2v.Scheduler"].output_node).toBe(false);
  });

  it("takes a UI-format workflow in POST /prompt, refusing one whose types are not installed by name", async () => {
    const shared = JSON.parse(readFileSync(path.join(import.meta.dirname, "../fixtures/comfyui/shared-0.4.json"), "utf8")) as unknown;
    const r = await fetch(`${srv.url}/prompt`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ workflow: shared }) });
    expect(r.status).toBe(400);
    const body = (await r.json()) as { error: { type: string; message: string }; node_errors: Record<string, { class_type: string }> };
    expect(body.error).toMatchObject({ type: "missing_node_type", message: "1 node type is not installed: SaveImage" });
    expect(body.node_errors["9"].class_type).toBe("SaveImage");
    // The bypassed and muted placeholders (10, 11) do not count.
    expect(Object.keys(body.node_errors)).not.toContain("10");
  });
});
