// One clip → one file: MP4/WebM through ffmpeg (raw RGB frames on stdin, record in tags),
// animated WebP/GIF through sharp (record in XMP / a GIF comment).
import { writeFile } from "node:fs/promises";
import sharp from "sharp";
import { asciiJson, tagArgs, withGifComment, xmpPacket } from "./containers.ts";
import { runFfmpeg, writeChunk } from "./ffmpeg.ts";
import { GENERATOR, type ProvenanceRecord } from "./provenance.ts";
import type { VideoFormat } from "./values.ts";

export interface ClipToWrite {
  format: VideoFormat;
  /** The reserved output file (exists, empty). */
  path: string;
  width: number;
  height: number;
  fps: number;
  /** Number of frames and a getter for each (RGB, width × height × 3). */
  count: number;
  frame: (i: number) => Uint8Array;
  record: ProvenanceRecord;
  /** mp4/webm: constant rate factor (mp4 clamps to 51). */
  crf: number;
  /** webp: 1–100. */
  quality: number;
  /** webp/gif: plays, 0 = forever. */
  loop: number;
  signal: AbortSignal;
  onFrame: (done: number) => void;
}

/** Pixel size in the file: H.264 in yuv420p needs even sides, so mp4 pads one black row/column. */
export function encodedSize(format: VideoFormat, width: number, height: number): { width: number; height: number } {
  if (format !== "mp4") return { width, height };
  return { width: width + (width % 2), height: height + (height % 2) };
}

/** Per-frame delays in ms whose running sum tracks i × 1000 / fps (GIF: whole centiseconds). */
export function frameDelays(count: number, fps: number, unitMs: number): number[] {
  const at = (i: number) => Math.round((i * 1000) / fps / unitMs) * unitMs;
  return Array.from({ length: count }, (_, i) => Math.max(unitMs, at(i + 1) - at(i)));
}

function codecArgs(c: ClipToWrite): string[] {
  if (c.format === "mp4") {
    const { width, height } = encodedSize("mp4", c.width, c.height);
    const pad = width !== c.width || height !== c.height ? ["-vf", `pad=${width}:${height}:0:0:black`] : [];
    const crf = String(Math.min(51, c.crf));
    return [...pad, "-c:v", "libx264", "-preset", "medium", "-crf", crf, "-pix_fmt", "yuv420p", "-movflags", "+faststart+use_metadata_tags"];
  }
  return ["-c:v", "libvpx-vp9", "-crf", String(c.crf), "-b:v", "0", "-pix_fmt", "yuv420p", "-cpu-used", "4", "-row-mt", "1"];
}

function description(r: ProvenanceRecord): string {
  return `AI-generated with ${r.generator.name} ${r.generator.version}${r.model.pack ? ` (model ${r.model.pack})` : ""}`;
}

async function writeWithFfmpeg(c: ClipToWrite): Promise<void> {
  const { workflow, ...label } = c.record;
  // The label is short; the workflow goes in its own tag(s) (see containers.ts).
  const tags = workflow === null ? tagArgs(asciiJson(c.record), undefined, description(c.record)) : tagArgs(asciiJson(label), asciiJson(workflow), description(c.record));
  await runFfmpeg({
    args: [
      "-v", "error",
      "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", `${c.width}x${c.height}`, "-framerate", String(c.fps), "-i", "pipe:0",
      "-map", "0:v:0", ...tags, ...codecArgs(c), "-y", c.path,
    ],
    signal: c.signal,
    feed: async (stdin) => {
      for (let i = 0; i < c.count; i++) {
        c.signal.throwIfAborted();
        await writeChunk(stdin, c.frame(i));
        c.onFrame(i + 1);
      }
    },
  });
}

async function writeWithSharp(c: ClipToWrite): Promise<void> {
  const size = c.width * c.height * 3;
  const all = Buffer.alloc(size * c.count);
  for (let i = 0; i < c.count; i++) {
    c.signal.throwIfAborted();
    all.set(c.frame(i), i * size);
    c.onFrame(i + 1);
  }
  const img = sharp(all, { raw: { width: c.width, height: c.height * c.count, channels: 3, pageHeight: c.height }, limitInputPixels: false });
  const json = asciiJson(c.record);
  const tool = `${GENERATOR.name} ${GENERATOR.version}`;
  let data: Buffer;
  if (c.format === "webp") {
    data = await img.webp({ quality: c.quality, loop: c.loop, delay: frameDelays(c.count, c.fps, 1) }).withXmp(xmpPacket(json, tool, c.record.created)).toBuffer();
  } else {
    data = withGifComment(await img.gif({ loop: c.loop, delay: frameDelays(c.count, c.fps, 10) }).toBuffer(), json);
  }
  c.signal.throwIfAborted();
  await writeFile(c.path, data);
}

/** Writes one clip into its reserved file with the record in the container's metadata. */
export function writeClip(c: ClipToWrite): Promise<void> {
  return c.format === "mp4" || c.format === "webm" ? writeWithFfmpeg(c) : writeWithSharp(c);
}
