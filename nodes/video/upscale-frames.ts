import sharp from "sharp";
import { FRAMES } from "../../core/node/sockets.ts";
import { defineNode, p } from "../../core/node/definition.ts";
import { SHARP_FIT, type Fit } from "../media/input-file.ts";
import "../model/values.ts";

export const MAX_SIDE = 4096;
const KERNELS = { nearest: "nearest", bilinear: "linear", lanczos3: "lanczos3" } as const;

/** Output size for a factor, or the asked size; throws naming the field when it is out of range. */
export function targetSize(
  width: number,
  height: number,
  o: { by: "factor" | "size"; factor: number; width: number; height: number },
): { width: number; height: number } {
  const size = o.by === "factor" ? { width: Math.max(1, Math.round(width * o.factor)), height: Math.max(1, Math.round(height * o.factor)) } : { width: o.width, height: o.height };
  const field = o.by === "factor" ? "factor" : size.width > MAX_SIDE ? "width" : "height";
  if (size.width > MAX_SIDE || size.height > MAX_SIDE) throw new Error(`${field}: ${size.width}×${size.height} is larger than ${MAX_SIDE} px a side`);
  return size;
}

/** One RGB frame resized by sharp (black where `pad` leaves room). */
export async function resizeFrame(
  src: Uint8Array,
  from: { width: number; height: number },
  to: { width: number; height: number },
  o: { kernel: keyof typeof KERNELS; fit: Fit },
): Promise<Uint8Array> {
  const { data, info } = await sharp(src, { raw: { width: from.width, height: from.height, channels: 3 } })
    .resize(to.width, to.height, { kernel: KERNELS[o.kernel], fit: SHARP_FIT[o.fit], background: { r: 0, g: 0, b: 0 } })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== to.width || info.height !== to.height || info.channels !== 3) {
    throw new Error(`sharp returned ${info.width}×${info.height}×${info.channels}, expected ${to.width}×${to.height}×3`);
  }
  return data;
}

export default defineNode({
  type: "t2v.UpscaleFrames",
  version: 1,
  title: "Upscale Frames",
  category: "video",
  description: "Resizes every frame by a factor or to a size (nearest, bilinear or lanczos3); batch, frame count and fps are kept.",
  inputs: { frames: { type: FRAMES } },
  params: {
    by: p.choice(["factor", "size"], { default: "factor" }),
    factor: p.float({ default: 4, min: 0.125, max: 16, step: 0.25, description: "Used when by = factor" }),
    width: p.int({ default: 512, min: 8, max: MAX_SIDE, step: 8, description: "Used when by = size" }),
    height: p.int({ default: 512, min: 8, max: MAX_SIDE, step: 8, description: "Used when by = size" }),
    fit: p.choice(["stretch", "crop", "pad"], { default: "stretch", description: "by = size with another aspect ratio: stretch, crop the middle, or pad with black" }),
    method: p.choice(["lanczos3", "bilinear", "nearest"], { default: "lanczos3" }),
  },
  outputs: { FRAMES },
  run: async (ctx, { frames, by, factor, width, height, fit, method }) => {
    const out = targetSize(frames.width, frames.height, { by, factor, width, height });
    const inSize = frames.width * frames.height * 3;
    const outSize = out.width * out.height * 3;
    const count = frames.batch * frames.frames;
    const rgb = new Uint8Array(count * outSize);
    for (let i = 0; i < count; i++) {
      ctx.signal.throwIfAborted();
      rgb.set(await resizeFrame(frames.rgb.subarray(i * inSize, (i + 1) * inSize), frames, out, { kernel: method, fit }), i * outSize);
      ctx.progress(i + 1, count);
    }
    return { outputs: { FRAMES: { ...frames, rgb, width: out.width, height: out.height } } };
  },
});
