import { readdirSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import saveFrames from "../../nodes/video/save-frames.ts";
import { readProvenance } from "../../nodes/video/provenance.ts";
import { generationWorkflow, makeCtx, movingSquare, sandbox, SQUARE } from "./helpers.ts";

describe("Save Frames", () => {
  it("writes a PNG sequence per clip into a new folder, each PNG with the provenance record", async () => {
    const box = sandbox();
    const workflow = generationWorkflow({ type: "t2v.SaveFrames", params: { filename_prefix: "seq/run" } });
    const run = () => saveFrames.run(makeCtx(box, { workflow }), { frames: movingSquare({ frames: 5, batch: 2 }), filename_prefix: "seq/run", compression: 6, ai_mark: false });
    const { ui } = await run();
    expect(ui?.images).toHaveLength(10);
    expect(ui?.images?.[6]).toEqual({ filename: "frame_00002.png", subfolder: "seq/run_00002", type: "output" });
    expect(readdirSync(path.join(box.output, "seq")).sort()).toEqual(["run_00001", "run_00002"]);
    const folder = path.join(box.output, "seq", "run_00001");
    expect(readdirSync(folder)).toEqual(["frame_00001.png", "frame_00002.png", "frame_00003.png", "frame_00004.png", "frame_00005.png"]);

    const third = path.join(folder, "frame_00003.png");
    const { data, info } = await sharp(third).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([64, 64, 3]);
    expect(data[(5 * 64 + 6 + 4) * 3]).toBe(SQUARE[0]); // frame 3: the square moved 4 px right, lossless
    const record = await readProvenance(third);
    expect(record.workflow).toEqual(JSON.parse(JSON.stringify(workflow)));
    expect(record.prompt).toBe("a red ball rolls to the right, café");
    expect((await readProvenance(path.join(box.output, "seq", "run_00002", "frame_00001.png"))).batch_index).toBe(1);

    // A second run never writes into the first run's folders.
    await run();
    expect(readdirSync(path.join(box.output, "seq")).sort()).toEqual(["run_00001", "run_00002", "run_00003", "run_00004"]);
  });
});
