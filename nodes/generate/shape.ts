import type { Manifest } from "../model/manifest.ts";
import type { Latent } from "../model/values.ts";

/**
 * The latent shape [B, C, T, h, w] a clip of this size has under the pack's compression; a pack whose
 * denoiser has fixed sizes refuses others with a message in pixels, which is what the user set.
 */
export function latentShape(l: Latent, m: Manifest): [number, number, number, number, number] {
  if (l.samples) return l.samples.shape;
  const f = m.latent.spatial_factor, tf = m.latent.temporal_factor;
  const shape: [number, number, number, number, number] = [l.batch, m.latent.channels, Math.ceil(l.frames / tf), Math.ceil(l.height / f), Math.ceil(l.width / f)];
  const fixed = m.tensors.denoiser.inputs.x?.shape ?? [];
  const want = fixed.slice(2).map((d, k) => (typeof d === "number" ? d * (k === 0 ? tf : f) : undefined));
  const got = [l.frames, l.height, l.width];
  if (want.some((w, k) => w !== undefined && w !== got[k])) {
    throw new Error(`latent_image: model "${m.name}" makes clips of ${want[2]}×${want[1]} pixels and ${want[0]} frames; this latent is ${l.width}×${l.height}, ${l.frames} frames (set them on Empty Video Latent, and use Upscale Frames for larger output)`);
  }
  return shape;
}
