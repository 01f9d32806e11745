import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { readProvenance } from "../../nodes/video/provenance.ts";
import videoWriter from "../../nodes/video/video-writer.ts";
import type { FileRef } from "../../core/node/definition.ts";
import { generationWorkflow, makeCtx, movingSquare, probe, sandbox, writeTinyPack, type Sandbox } from "./helpers.ts";

type WriterParams = Parameters<typeof videoWriter.run>[1];
const defaults = { format: "mp4", fps: 0, crf: 18, quality: 90, loop: 0, pingpong: false, filename_prefix: "t2v", ai_mark: true } as const;

async function write(box: Sandbox, params: Partial<Omit<WriterParams, "frames">> & { frames?: WriterParams["frames"] }, o: Parameters<typeof makeCtx>[1] = {}) {
  const workflow = o.workflow ?? generationWorkflow();
  const ctx = makeCtx(box, { workflow, nodeId: "9", ...o });
  const result = await videoWriter.run(ctx, { ...defaults, frames: movingSquare(), ...params });
  return { result, workflow, file: (ref: FileRef) => path.join(box.output, ref.subfolder, ref.filename) };
}

describe("Video Writer", () => {
  it("writes H.264 mp4 (yuv420p) with the clip's frames, rate and size, and its provenance", async () => {
    const box = sandbox();
    const hash = writeTinyPack(box.modelRoot, "tiny-test");
    const { result, workflow, file } = await write(box, { format: "mp4" });
    const video = result.outputs.VIDEO;
    expect(video).toMatchObject({ format: "mp4", fps: 8, frames: 16, width: 64, height: 64 });
    // Listed as ComfyUI's SaveVideo lists files, and as VideoHelperSuite's Video Combine does.
    const ref = { filename: "t2v_00001.mp4", subfolder: "", type: "output" };
    expect(result.ui).toEqual({ images: [ref], animated: [true], gifs: [{ ...ref, format: "video/h264-mp4", frame_rate: 8 }] });
    expect(probe(file(video.files[0]))).toEqual({ codec: "h264", width: 64, height: 64, frames: 16, fps: "8/1", pixFmt: "yuv420p" });

    const record = await readProvenance(file(video.files[0]));
    expect(record.workflow).toEqual(JSON.parse(JSON.stringify(workflow)));
    expect(record).toMatchObject({
      schema: 1,
      ai_generated: true,
      generator: { name: "t2v-studio" },
      model: { pack: "tiny-test", hash },
      prompt: "a red ball rolls to the right, café",
      negative_prompt: "blurry",
      seed: 4242,
      sampler: { type: "t2v.Sampler", params: { sampler_name: "euler", cfg: 4.5, seed: 7 }, scheduler: { type: "t2v.Scheduler", params: { scheduler: "simple", steps: 12, denoise: 1, shift: 1 } } },
      batch_index: 0,
    });
    expect(Date.now() - Date.parse(record.created)).toBeLessThan(60_000);
  });

  it("writes VP9 webm", async () => {
    const box = sandbox();
    const { result, workflow, file } = await write(box, { format: "webm", fps: 12, crf: 30 });
    const f = file(result.outputs.VIDEO.files[0]);
    expect(f.endsWith("t2v_00001.webm")).toBe(true);
    expect(probe(f)).toMatchObject({ codec: "vp9", width: 64, height: 64, frames: 16, fps: "12/1" });
    expect((await readProvenance(f)).workflow).toEqual(JSON.parse(JSON.stringify(workflow)));
  });

  it("writes animated webp and gif with frame count, delays and loop count", async () => {
    const box = sandbox();
    for (const [format, loop] of [["webp", 3], ["gif", 0]] as const) {
      const { result, workflow, file } = await write(box, { format, fps: 10, loop });
      const f = file(result.outputs.VIDEO.files[0]);
      const meta = await sharp(f, { animated: true }).metadata();
      expect(meta.format).toBe(format);
      expect(meta.pages).toBe(16);
      expect(meta.width).toBe(64);
      expect(meta.pageHeight).toBe(64);
      expect(meta.delay).toEqual(Array(16).fill(100));
      expect(meta.loop).toBe(loop);
      expect((await readProvenance(f)).workflow).toEqual(JSON.parse(JSON.stringify(workflow)));
    }
  });

  it("keeps the average rate when a gif cannot hold the exact delay (8 fps = 12.5 cs)", async () => {
    const box = sandbox();
    const { result, file } = await write(box, { format: "gif" });
    const meta = await sharp(file(result.outputs.VIDEO.files[0]), { animated: true }).metadata();
    expect(meta.delay?.slice(0, 4)).toEqual([130, 120, 130, 120]);
    expect(meta.delay?.reduce((a, b) => a + b, 0)).toBe(2000);
  });

  it("never overwrites: two runs give two files, and a file already there is left alone", async () => {
    const box = sandbox();
    const a = await write(box, { format: "webp" });
    const b = await write(box, { format: "webp" });
    expect(a.result.outputs.VIDEO.files[0].filename).toBe("t2v_00001.webp");
    expect(b.result.outputs.VIDEO.files[0].filename).toBe("t2v_00002.webp");
    expect(readdirSync(box.output).sort()).toEqual(["t2v_00001.webp", "t2v_00002.webp"]);
    expect(statSync(path.join(box.output, "t2v_00001.webp")).size).toBeGreaterThan(1000);
  });

  it("writes one file per clip of the batch, each recording its batch index", async () => {
    const box = sandbox();
    const { result, file } = await write(box, { format: "gif", frames: movingSquare({ batch: 2 }), filename_prefix: "clips/run" });
    const names = result.outputs.VIDEO.files.map((f) => `${f.subfolder}/${f.filename}`);
    expect(names).toEqual(["clips/run_00001.gif", "clips/run_00002.gif"]);
    const records = await Promise.all(result.outputs.VIDEO.files.map((f) => readProvenance(file(f))));
    expect(records.map((r) => r.batch_index)).toEqual([0, 1]);
    // The clips differ: the second square starts 8 px lower.
    const firstFrames = await Promise.all(result.outputs.VIDEO.files.map((f) => sharp(file(f)).removeAlpha().raw().toBuffer()));
    const red = (buf: Buffer, x: number, y: number) => buf[(y * 64 + x) * 3];
    expect(red(firstFrames[0], 5, 6)).toBeGreaterThan(200);
    expect(red(firstFrames[1], 5, 6)).toBeLessThan(60);
  });

  it("ping-pong plays forward then back without repeating the ends", async () => {
    const box = sandbox();
    const { result, file } = await write(box, { format: "mp4", pingpong: true, ai_mark: false });
    expect(result.outputs.VIDEO.frames).toBe(30);
    expect(probe(file(result.outputs.VIDEO.files[0])).frames).toBe(30);
  });

  it("pads odd sizes to even for mp4 (yuv420p) and says so in the VIDEO value", async () => {
    const box = sandbox();
    const { result, file } = await write(box, { format: "mp4", frames: movingSquare({ width: 63, height: 45 }) });
    expect(result.outputs.VIDEO).toMatchObject({ width: 64, height: 46 });
    expect(probe(file(result.outputs.VIDEO.files[0]))).toMatchObject({ width: 64, height: 46, frames: 16 });
  });

  it("burns the AI-GENERATED mark into the bottom-right corner only when asked", async () => {
    const box = sandbox();
    const whiteIn = async (ai_mark: boolean) => {
      const { result, file } = await write(box, { format: "webp", quality: 100, ai_mark });
      const frame = await sharp(file(result.outputs.VIDEO.files[0])).removeAlpha().raw().toBuffer();
      let white = 0;
      let dark = 0;
      for (let y = 54; y < 64; y++) {
        for (let x = 10; x < 64; x++) {
          const i = (y * 64 + x) * 3;
          if (frame[i] > 200 && frame[i + 1] > 200 && frame[i + 2] > 200) white++;
          if (frame[i + 2] < 80) dark++;
        }
      }
      return { white, dark };
    };
    const on = await whiteIn(true);
    const off = await whiteIn(false);
    expect(on.white).toBeGreaterThan(60);
    expect(on.dark).toBeGreaterThan(150);
    expect(off).toEqual({ white: 0, dark: 0 });
  });

  it("carries a workflow far larger than one ffmpeg argument (split over t2v_workflow tags)", async () => {
    const big = generationWorkflow();
    big.metadata.description = "é".repeat(30_000) + "x".repeat(200_000);
    const box = sandbox();
    const { result, file } = await write(box, { format: "mp4", ai_mark: false }, { workflow: big });
    const record = await readProvenance(file(result.outputs.VIDEO.files[0]));
    expect(record.workflow).toEqual(JSON.parse(JSON.stringify(big)));
  });

  it("refuses a prefix that leaves the output folder, naming the field, and writes nothing", async () => {
    const box = sandbox();
    for (const filename_prefix of ["../evil", "/abs/evil", "a\0b", "clips/../../evil"]) {
      await expect(write(box, { format: "gif", filename_prefix })).rejects.toThrow(/^filename_prefix: /);
    }
    expect(readdirSync(box.root).sort()).toEqual(["models", "output"]);
    expect(readdirSync(box.output)).toEqual([]);
  });

  it("stops on abort, kills ffmpeg and removes the half-written file", async () => {
    const box = sandbox();
    const abort = new AbortController();
    const progress = (value: number) => {
      if (value === 4) abort.abort(new Error("interrupted"));
    };
    await expect(write(box, { format: "mp4", frames: movingSquare({ frames: 64 }) }, { signal: abort.signal, progress })).rejects.toThrow("interrupted");
    expect(readdirSync(box.output)).toEqual([]);
  });
});
