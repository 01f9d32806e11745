import path from "node:path";
import { describe, expect, it } from "vitest";
import { FRAMES } from "../../core/node/sockets.ts";
import { defineNode } from "../../core/node/definition.ts";
import { readProvenance } from "../../nodes/video/provenance.ts";
import videoWriter from "../../nodes/video/video-writer.ts";
import { createEngine, createRegistry, workflowSchema } from "../../core/engine/index.ts";
import { makeCtx, movingSquare, probe, sandbox } from "./helpers.ts";

const clip = defineNode({
  type: "test.Clip",
  version: 1,
  title: "Clip",
  category: "test",
  description: "a synthetic moving square",
  inputs: {},
  params: {},
  outputs: { FRAMES },
  run: () => ({ outputs: { FRAMES: movingSquare({ frames: 8, fps: 4 }) } }),
});

describe("Video Writer through the engine", () => {
  it("gets the running workflow as ctx.workflow and stores exactly that document in the file", async () => {
    const box = sandbox();
    const services = makeCtx(box).services;
    const engine = createEngine({ registry: createRegistry([clip, videoWriter]), services });
    const wf = workflowSchema.parse({
      version: 2,
      metadata: { title: "engine", description: "clip → writer" },
      nodes: [
        { id: "c", type: "test.Clip", params: {} },
        { id: "w", type: "t2v.VideoWriter", params: { format: "mp4", filename_prefix: "runs/engine" }, title: "Write it" },
      ],
      links: [{ id: "l", from: { node: "c", output: "FRAMES" }, to: { node: "w", input: "frames" } }],
      notes: [{ id: "n", text: "kept in the file too" }],
    });
    const result = await engine.run(wf);
    expect(result.status).toBe("success");
    const [ref] = result.outputs.w.images ?? [];
    expect(ref).toEqual({ filename: "engine_00001.mp4", subfolder: "runs", type: "output" });
    const file = path.join(box.output, ref.subfolder, ref.filename);
    expect(probe(file)).toMatchObject({ frames: 8, fps: "4/1", width: 64, height: 64 });
    expect((await readProvenance(file)).workflow).toEqual(JSON.parse(JSON.stringify(wf)));
  });
});
