import type { Manifest } from "../model/manifest.ts";
import type { Latent } from "../model/values.ts";

/**
 * The latent shape [B, C, T, h, w] a clip of this size has under the pack's compression; a pack whose
 * denoiser has a fixed frame size refuses others with a message in pixels, which is what the user
 * set. Any frame count goes: a clip longer than the pack's window is sampled window by window.
 */
export function latentShape(l: Latent, m: Manifest): [number, number, number, number, number] {
  if (l.samples) return l.samples.shape;
  const f = m.latent.spatial_factor, tf = m.latent.temporal_factor;
  const shape: [number, number, number, number, number] = [l.batch, m.latent.channels, Math.ceil(l.frames / tf), Math.ceil(l.height / f), Math.ceil(l.width / f)];
  const fixed = m.tensors.denoiser.inputs.x?.shape ?? [];
  const want = fixed.slice(3).map((d) => (typeof d === "number" ? d * f : undefined));
  const got = [l.height, l.width];
  if (want.some((w, k) => w !== undefined && w !== got[k])) {
    throw new Error(`latent_image: model "${m.name}" makes frames of ${want[1]}×${want[0]} pixels; this latent is ${l.width}×${l.height} (set them on Empty Video Latent, and use Upscale Frames for larger output)`);
  }
  return shape;
}

/** The latent frames one denoiser call takes (the pack's window), or undefined when it takes any. */
export function windowFrames(m: Manifest): number | undefined {
  const d = m.tensors.denoiser.inputs.x?.shape[2];
  return typeof d === "number" ? d : undefined;
}

/** The frame size the pack's denoiser is fixed to, in pixels; 64 × 64 where it takes any. */
export function packFrameSize(m: Manifest): { width: number; height: number } {
  const [h, w] = (m.tensors.denoiser.inputs.x?.shape ?? []).slice(3);
  const f = m.latent.spatial_factor;
  return { width: typeof w === "number" ? w * f : 64, height: typeof h === "number" ? h * f : 64 };
}
