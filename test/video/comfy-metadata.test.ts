import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { asciiJson, webpChunk } from "../../nodes/video/containers.ts";
import { ComfyMetadataError, readComfyMetadata } from "../../nodes/video/comfy-metadata.ts";
import {
  PROMPT, WORKFLOW, animatedWebp, comfyExifEntries, comfyPng, exifBlock, itxt, keyed, plainPng,
  videoWithTags, vhsVideo, withPngChunks, withWebpExif, ztxt,
} from "./comfy-fixtures.ts";
import { sandbox } from "./helpers.ts";

async function written(name: string, bytes: Buffer): Promise<string> {
  const file = path.join(sandbox().root, name);
  await writeFile(file, bytes);
  return file;
}

/** The error's detail, after checking it names the file. */
async function failure(file: string): Promise<string> {
  const err = await readComfyMetadata(file).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ComfyMetadataError);
  expect((err as Error).message).toBe(`${file}: ${(err as ComfyMetadataError).detail}`);
  return (err as ComfyMetadataError).detail;
}

describe("readComfyMetadata: PNG", () => {
  it("reads the prompt and workflow tEXt chunks SaveImage writes", async () => {
    const file = await written("ComfyUI_00001_.png", await comfyPng({ prompt: PROMPT, workflow: WORKFLOW }));
    const meta = await readComfyMetadata(file);
    expect(meta).toEqual({ prompt: PROMPT, workflow: WORKFLOW });
    expect((meta?.prompt as typeof PROMPT)["6"].inputs.text).toBe("a café at night; #1 = best\\ever");
  });

  it("reads a prompt alone, leaving workflow out", async () => {
    const meta = await readComfyMetadata(await written("p.png", await comfyPng({ prompt: PROMPT })));
    expect(meta).toEqual({ prompt: PROMPT });
    expect(meta).not.toHaveProperty("workflow");
  });

  it("reads zTXt and iTXt chunks, and SaveAnimatedPNG's comf chunks after IDAT", async () => {
    const png = await plainPng();
    const compressed = withPngChunks(png, [ztxt("workflow", asciiJson(WORKFLOW)), itxt("prompt", JSON.stringify(PROMPT))]);
    expect(await readComfyMetadata(await written("z.png", compressed))).toEqual({ prompt: PROMPT, workflow: WORKFLOW });
    const apng = withPngChunks(png, [keyed("comf", "prompt", asciiJson(PROMPT)), keyed("comf", "workflow", asciiJson(WORKFLOW))], { afterIdat: true });
    expect(await readComfyMetadata(await written("a.png", apng))).toEqual({ prompt: PROMPT, workflow: WORKFLOW });
  });

  it("reads Python's NaN and Infinity as null, leaving the words inside strings alone", async () => {
    const text = '{"3": {"class_type": "KSampler", "inputs": {"cfg": NaN, "denoise": Infinity, "shift": -Infinity, "note": "NaN, -Infinity \\" NaN", "steps": -2}}}';
    const meta = await readComfyMetadata(await written("nan.png", withPngChunks(await plainPng(), [keyed("tEXt", "prompt", text)])));
    expect(meta).toEqual({ prompt: { "3": { class_type: "KSampler", inputs: { cfg: null, denoise: null, shift: null, note: 'NaN, -Infinity " NaN', steps: -2 } } } });
  });

  it("returns null for a PNG with neither entry, a text file named .png and an empty file", async () => {
    const other = withPngChunks(await plainPng(), [keyed("tEXt", "parameters", "a cat, Steps: 20"), keyed("tEXt", "Software", "sharp")]);
    expect(await readComfyMetadata(await written("plain.png", other))).toBeNull();
    expect(await readComfyMetadata(await written("notes.png", Buffer.from('prompt {"3": {}} workflow\n')))).toBeNull();
    expect(await readComfyMetadata(await written("empty.png", Buffer.alloc(0)))).toBeNull();
  });

  it("reads a truncated PNG as far as it goes: whole entries are kept, a cut one is left out or named", async () => {
    const full = await comfyPng({ prompt: PROMPT, workflow: WORKFLOW });
    const idat = full.indexOf("IDAT");
    expect(await readComfyMetadata(await written("cut-in-idat.png", full.subarray(0, idat + 6)))).toEqual({ prompt: PROMPT, workflow: WORKFLOW });
    const workflowAt = full.indexOf("workflow\0");
    expect(await readComfyMetadata(await written("cut-in-workflow.png", full.subarray(0, workflowAt + 40)))).toEqual({ prompt: PROMPT });
    const promptAt = full.indexOf("prompt\0");
    const detail = await failure(await written("cut-in-prompt.png", full.subarray(0, promptAt + 40)));
    expect(detail).toMatch(/"prompt" entry is not valid JSON/);
    expect(detail).not.toContain("workflow");
  });
});

describe("readComfyMetadata: WebP", () => {
  it("reads the EXIF strings SaveAnimatedWEBP writes (little-endian TIFF, 0x010F workflow, 0x0110 prompt)", async () => {
    const webp = withWebpExif(await animatedWebp(), exifBlock(comfyExifEntries({ prompt: PROMPT, workflow: WORKFLOW })));
    const info = await sharp(webp, { animated: true }).metadata();
    expect([info.pages, info.exif?.length]).toEqual([3, webpChunk(webp, "EXIF")?.length]);
    expect(await readComfyMetadata(await written("anim.webp", webp))).toEqual({ prompt: PROMPT, workflow: WORKFLOW });
  });

  it("reads a big-endian block with the Exif\\0\\0 prefix, and a prompt alone", async () => {
    const exif = exifBlock([[0x0110, `prompt:${asciiJson(PROMPT)}`], [0x0131, "sharp"], [0x010e, "ab"]], { bigEndian: true, prefix: true });
    const meta = await readComfyMetadata(await written("be.webp", withWebpExif(await animatedWebp(), exif)));
    expect(meta).toEqual({ prompt: PROMPT });
  });

  it("reads the EXIF of a still WebP, as another writer (libvips) lays it out", async () => {
    const still = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#204080" } })
      .webp()
      .withExif({ IFD0: { Make: `workflow:${asciiJson(WORKFLOW)}`, Model: `prompt:${asciiJson(PROMPT)}` } })
      .toBuffer();
    expect(await readComfyMetadata(await written("still.webp", still))).toEqual({ prompt: PROMPT, workflow: WORKFLOW });
  });

  it("returns null for a WebP without EXIF, with unrelated EXIF, or with a broken EXIF block", async () => {
    const anim = await animatedWebp();
    expect(await readComfyMetadata(await written("none.webp", anim))).toBeNull();
    expect(await readComfyMetadata(await written("other.webp", withWebpExif(anim, exifBlock([[0x010f, "Canon"], [0x0110, "EOS: 5D"]]))))).toBeNull();
    const broken = exifBlock(comfyExifEntries({ prompt: PROMPT }));
    broken.writeUInt32LE(0xfffffff0, 4); // IFD offset far past the end
    expect(await readComfyMetadata(await written("broken.webp", withWebpExif(anim, broken)))).toBeNull();
    const riff = withWebpExif(anim, exifBlock(comfyExifEntries({ prompt: PROMPT })));
    riff.writeUInt32LE(0xffffffff, anim.length + 4); // the EXIF chunk claims 4 GiB
    expect(await readComfyMetadata(await written("huge.webp", riff))).toEqual({ prompt: PROMPT });
  });
});

describe("readComfyMetadata: MP4, WebM, MOV, MKV", () => {
  it("reads SaveVideo's prompt and workflow tags (mdta keys in MP4, tags in Matroska)", async () => {
    const box = sandbox();
    const tags = { prompt: asciiJson(PROMPT), workflow: asciiJson(WORKFLOW) };
    for (const name of ["save.mp4", "save.webm", "save.mkv"]) {
      const file = path.join(box.root, name);
      await videoWithTags(file, tags);
      expect(await readComfyMetadata(file), name).toEqual({ prompt: PROMPT, workflow: WORKFLOW });
    }
    const promptOnly = path.join(box.root, "prompt.mov");
    await videoWithTags(promptOnly, { prompt: asciiJson(PROMPT) });
    expect(await readComfyMetadata(promptOnly)).toEqual({ prompt: PROMPT });
  });

  it("reads VHS_VideoCombine's comment, whose prompt is JSON text inside the JSON", async () => {
    const box = sandbox();
    for (const name of ["vhs.mp4", "vhs.webm"]) {
      const file = path.join(box.root, name);
      await vhsVideo(file, { prompt: PROMPT, workflow: WORKFLOW });
      expect(await readComfyMetadata(file), name).toEqual({ prompt: PROMPT, workflow: WORKFLOW });
    }
    const promptOnly = path.join(box.root, "vhs-prompt.mp4");
    await vhsVideo(promptOnly, { prompt: PROMPT });
    expect(await readComfyMetadata(promptOnly)).toEqual({ prompt: PROMPT });
  });

  it("returns null for a clip with neither, or with someone else's comment", async () => {
    const box = sandbox();
    const plain = path.join(box.root, "plain.mp4");
    await videoWithTags(plain, { title: "holiday" });
    expect(await readComfyMetadata(plain)).toBeNull();
    const commented = path.join(box.root, "commented.webm");
    await videoWithTags(commented, { comment: '{"camera": "phone"}' });
    expect(await readComfyMetadata(commented)).toBeNull();
  });

  it("names the file when a clip cannot be read, instead of hanging", async () => {
    const box = sandbox();
    const good = path.join(box.root, "good.mp4");
    await videoWithTags(good, { prompt: asciiJson(PROMPT) });
    const bytes = await readFile(good);
    const cut = path.join(box.root, "cut.mp4");
    await writeFile(cut, bytes.subarray(0, 64)); // ftyp, then nothing: no moov
    expect(await failure(cut)).toMatch(/^cannot read its metadata \(ffmpeg/);
  });
});
