// Load Image / Load Video on real files: sizes and fits, frame selection, and clear errors for
// missing, truncated, disguised and oversized files.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { deflateSync } from "node:zlib";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { catalogueNode, objectInfoNode } from "../../core/engine/index.ts";
import loadImage from "../../nodes/media/load-image.ts";
import loadVideo from "../../nodes/media/load-video.ts";
import { runFfmpeg } from "../../nodes/video/ffmpeg.ts";
import { pngChunk } from "./comfy-fixtures.ts";
import { makeCtx, sandbox, type Sandbox } from "./helpers.ts";

const size = { width: 64, height: 64, fit: "crop" } as const;
const video = { ...size, frame_load_cap: 16, skip_first_frames: 0, select_every_nth: 1 };

function inputDir(box: Sandbox): string {
  const dir = path.join(box.root, "input");
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** 128 × 64: left half red, right half blue. */
async function twoColourPng(): Promise<Buffer> {
  const rgb = Buffer.alloc(128 * 64 * 3);
  for (let i = 0; i < 128 * 64; i++) rgb.set((i % 128) < 64 ? [220, 20, 20] : [20, 20, 220], i * 3);
  return sharp(rgb, { raw: { width: 128, height: 64, channels: 3 } }).png().toBuffer();
}

const pixel = (f: { rgb: Uint8Array; width: number }, x: number, y: number, frame = 0) => Array.from(f.rgb.subarray(((frame * f.width * f.width) + y * f.width + x) * 3, ((frame * f.width * f.width) + y * f.width + x) * 3 + 3));

describe("Load Image", () => {
  it("reads an image at the asked size: crop keeps the middle, pad adds black bars, stretch squeezes", async () => {
    const box = sandbox();
    writeFileSync(path.join(inputDir(box), "two.png"), await twoColourPng());
    const ctx = makeCtx(box);
    const crop = (await loadImage.run(ctx, { image: "two.png", ...size })).outputs.FRAMES;
    expect([crop.width, crop.height, crop.frames, crop.batch, crop.rgb.length]).toEqual([64, 64, 1, 1, 64 * 64 * 3]);
    expect(pixel(crop, 2, 32)[0]).toBeGreaterThan(180); // red from the left half's middle
    expect(pixel(crop, 61, 32)[2]).toBeGreaterThan(180); // blue
    const pad = (await loadImage.run(ctx, { image: "two.png", ...size, fit: "pad" })).outputs.FRAMES;
    expect(pixel(pad, 32, 2)).toEqual([0, 0, 0]); // the bar above a 64 × 32 picture
    expect(pixel(pad, 5, 32)[0]).toBeGreaterThan(180);
    const stretch = (await loadImage.run(ctx, { image: "two.png", ...size, fit: "stretch" })).outputs.FRAMES;
    expect(pixel(stretch, 5, 2)[0]).toBeGreaterThan(180);
  });

  it("says clearly what is wrong with a missing, truncated, disguised, oversized or outside file", async () => {
    const box = sandbox();
    const dir = inputDir(box);
    const png = await twoColourPng();
    writeFileSync(path.join(dir, "cut.png"), png.subarray(0, Math.floor(png.length * 0.6)));
    writeFileSync(path.join(dir, "notes.png"), "just some text, not a picture\n");
    // A valid header claiming 20,000 × 20,000 (the pixels are never there).
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(20_000, 0);
    ihdr.writeUInt32BE(20_000, 4);
    ihdr.set([8, 2, 0, 0, 0], 8);
    const huge = Buffer.concat([png.subarray(0, 8), pngChunk("IHDR", ihdr), pngChunk("IDAT", deflateSync(Buffer.alloc(100))), pngChunk("IEND", Buffer.alloc(0))]);
    writeFileSync(path.join(dir, "huge.png"), huge);
    const ctx = makeCtx(box);
    const fails = (image: string) => Promise.resolve(loadImage.run(ctx, { image, ...size })).then(() => "loaded", (e: Error) => e.message);
    expect(await fails("nope.png")).toMatch(/^image: no file "nope.png" in the input folder/);
    expect(await fails("cut.png")).toMatch(/^image: "cut.png" is not an image this studio can read/);
    expect(await fails("notes.png")).toMatch(/^image: "notes.png" is not an image this studio can read/);
    expect(await fails("huge.png")).toBe('image: "huge.png" is 20000 × 20000, over the 64 megapixels Load Image reads; scale it down first');
    expect(await fails("../outside.png")).toBe('image: "../outside.png" is outside the input folder');
    expect(await fails("")).toMatch(/^image: no file chosen/);
  });
});

describe("the upload widget", () => {
  it("is declared on the file params, in our catalogue and as ComfyUI's image_upload / video_upload", () => {
    expect(catalogueNode(loadImage).params.find((p) => p.name === "image")?.upload).toBe("image");
    expect(catalogueNode(loadVideo).params.find((p) => p.name === "video")?.upload).toBe("video");
    expect(objectInfoNode(loadImage).input.required.image).toEqual(["STRING", expect.objectContaining({ image_upload: true })]);
    expect(objectInfoNode(loadVideo).input.required.video).toEqual(["STRING", expect.objectContaining({ video_upload: true })]);
  });
});

describe("Load Video", () => {
  it("reads frames at the asked size with the file's rate; skips, thins and caps", async () => {
    const box = sandbox();
    const file = path.join(inputDir(box), "clip.mp4");
    await runFfmpeg({ args: ["-f", "lavfi", "-i", "testsrc=size=96x64:rate=8", "-frames:v", "20", "-pix_fmt", "yuv420p", "-y", file] });
    const ctx = makeCtx(box);
    const all = (await loadVideo.run(ctx, { video: "clip.mp4", ...video, frame_load_cap: 0 })).outputs.FRAMES;
    expect([all.width, all.height, all.frames, all.fps]).toEqual([64, 64, 20, 8]);
    const some = (await loadVideo.run(ctx, { video: "clip.mp4", ...video, frame_load_cap: 4, skip_first_frames: 2, select_every_nth: 2 })).outputs.FRAMES;
    expect([some.frames, some.fps]).toEqual([4, 4]);
    // Frame 0 of the thinned clip is source frame 2: compare with reading it directly.
    const third = (await loadVideo.run(ctx, { video: "clip.mp4", ...video, frame_load_cap: 1, skip_first_frames: 2 })).outputs.FRAMES;
    expect(Buffer.from(some.rgb.subarray(0, 64 * 64 * 3)).equals(Buffer.from(third.rgb))).toBe(true);
    expect(Buffer.from(all.rgb.subarray(0, 64 * 64 * 3)).equals(Buffer.from(third.rgb))).toBe(false);
  });

  it("says clearly what is wrong with a missing file or a text file renamed .mp4", async () => {
    const box = sandbox();
    writeFileSync(path.join(inputDir(box), "fake.mp4"), "this is a text file with a video's name\n");
    const ctx = makeCtx(box);
    const fails = (name: string) => Promise.resolve(loadVideo.run(ctx, { video: name, ...video })).then(() => "loaded", (e: Error) => e.message);
    expect(await fails("missing.mp4")).toMatch(/^video: no file "missing.mp4" in the input folder/);
    expect(await fails("fake.mp4")).toMatch(/^video: "fake.mp4" is not a video this studio can read/);
  });
});
