import { FRAMES } from "../../core/node/sockets.ts";
import { defineNode, p } from "../../core/node/definition.ts";
import { runFfmpeg } from "../video/ffmpeg.ts";
import { fileFingerprint, inputFile, sizeParams, type Fit } from "./input-file.ts";
import "../model/values.ts";

export const MAX_VIDEO_FRAMES = 256;
/** A file that takes longer than this to decode is given up on, never waited for forever. */
const DECODE_TIMEOUT_MS = 120_000;

function scaleFilter(fit: Fit, w: number, h: number): string {
  if (fit === "stretch") return `scale=${w}:${h}:flags=lanczos`;
  if (fit === "pad") return `scale=${w}:${h}:force_original_aspect_ratio=decrease:flags=lanczos,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:black`;
  return `scale=${w}:${h}:force_original_aspect_ratio=increase:flags=lanczos,crop=${w}:${h}`;
}

/** The first video stream's frame rate, from ffmpeg's own description of the file. */
async function probeFps(file: string, signal: AbortSignal): Promise<number> {
  const text = await runFfmpeg({ args: ["-i", file], signal }).then(
    () => "",
    (err: unknown) => (err instanceof Error ? err.message : String(err)),
  );
  if (!/Stream #\S+.*Video:/.test(text)) throw new Error(/Invalid data|could not find codec|moov atom not found|End of file/i.test(text) ? "not a video ffmpeg can read" : text.split("\n").slice(-2).join(" ").slice(0, 300));
  const m = /Video:.*?(\d+(?:\.\d+)?) fps/.exec(text) ?? /Video:.*?(\d+(?:\.\d+)?) tbr/.exec(text);
  return m ? Number(m[1]) : 8;
}

export default defineNode({
  type: "t2v.LoadVideo",
  version: 1,
  title: "Load Video",
  category: "media",
  description: "Reads a video (mp4, webm, mov, mkv, gif, animated webp) from the input folder as FRAMES at the size asked for, keeping its frame rate.",
  inputs: {},
  params: {
    video: p.text({ description: "File name in the input folder (uploads land there)", upload: "video" }),
    ...sizeParams,
    frame_load_cap: p.int({ default: 16, min: 0, max: MAX_VIDEO_FRAMES, description: `Frames to read at most; 0 = all (up to ${MAX_VIDEO_FRAMES})` }),
    skip_first_frames: p.int({ default: 0, min: 0, max: 100_000 }),
    select_every_nth: p.int({ default: 1, min: 1, max: 100, description: "Keep one frame in n (the frame rate drops to match)" }),
  },
  outputs: { FRAMES },
  fingerprint: ({ video }, services) => fileFingerprint(services.paths.input, video),
  run: async (ctx, { video, width, height, fit, frame_load_cap, skip_first_frames, select_every_nth }) => {
    const { file } = await inputFile(ctx.services.paths.input, video, "video");
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(DECODE_TIMEOUT_MS)]);
    const unreadable = (err: unknown) => new Error(`video: "${video}" is not a video this studio can read (${err instanceof Error ? err.message.split("\n").slice(-1)[0].slice(0, 300) : String(err)})`);
    const fps = await probeFps(file, signal).catch((err: unknown) => {
      throw ctx.signal.aborted ? err : unreadable(err);
    });
    const cap = frame_load_cap === 0 ? MAX_VIDEO_FRAMES : frame_load_cap;
    const select = `select='gte(n\\,${skip_first_frames})*not(mod(n-${skip_first_frames}\\,${select_every_nth}))'`;
    const out = await runFfmpeg({
      args: ["-i", file, "-an", "-vf", `${select},${scaleFilter(fit, width, height)}`, "-vsync", "0", "-frames:v", String(cap), "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
      signal,
    }).catch((err: unknown) => {
      throw ctx.signal.aborted ? err : unreadable(err);
    });
    const size = width * height * 3;
    const frames = Math.floor(out.byteLength / size);
    if (frames < 1) throw new Error(`video: "${video}" has no frames after skipping ${skip_first_frames}`);
    ctx.progress(frames, frames);
    return { outputs: { FRAMES: { rgb: new Uint8Array(out.buffer, out.byteOffset, frames * size), width, height, frames, batch: 1, fps: fps / select_every_nth } } };
  },
});
