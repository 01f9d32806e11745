import type { Frames } from "../../core/node/definition.ts";
import { fromEncoderOutput, rgb8ToPlanar } from "../model/convert.ts";
import type { ModelRef } from "../model/values.ts";

/** FRAMES through the pack's encoder → sampler-space latent [batch, C, frames, h, w], with its shape. */
export async function encodeFrames(vae: ModelRef, frames: Frames, input: string): Promise<{ data: Float32Array; shape: [number, number, number, number, number] }> {
  const m = vae.pack.manifest;
  const f = m.latent.spatial_factor;
  if (frames.width % f !== 0 || frames.height % f !== 0) {
    throw new Error(`${input}: ${frames.width}×${frames.height} is not a multiple of the encoder's ${f}× compression`);
  }
  const n = frames.batch * frames.frames;
  const z = await vae.pack.encode(rgb8ToPlanar(frames.rgb, n, frames.height, frames.width, m.rgb_range), n);
  const h = frames.height / f, w = frames.width / f;
  return { data: fromEncoderOutput(z, frames.batch, frames.frames, m, h, w), shape: [frames.batch, m.latent.channels, frames.frames, h, w] };
}

/** The frames' size against the clip's: the given frames must be the clip's size (Load Image / Load Video resize them). */
export function checkSize(frames: Frames, width: number, height: number, input: string): void {
  if (frames.width !== width || frames.height !== height) {
    throw new Error(`${input}: ${frames.width}×${frames.height}, but the clip is ${width}×${height} (set the size on Load Image / Load Video or on Empty Video Latent)`);
  }
}
