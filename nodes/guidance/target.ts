import type { LoadedPack } from "../model/runtime.ts";

/**
 * The blend's target: a rendering (RGB [n, 3, H, W] in the pack's range) encoded so that the pack's
 * decoder shows it. Its encoder alone loses small objects of low contrast (a tiny black triangle on the
 * night sky decodes as a faint smudge), though its latent can show them: encoding the rendering with
 * `emphasis` times what one trip through the autoencoder lost added back brings them out. 0 is the plain
 * encoding. Returns the raw latents and what the decoder makes of them.
 */
export async function encodeTarget(pack: LoadedPack, rgb: Float32Array, n: number, emphasis: number): Promise<{ latents: Float32Array; decoded: Float32Array }> {
  const plain = await pack.encode(rgb, n);
  const decoded = await pack.decode(plain, n);
  if (emphasis <= 0) return { latents: plain, decoded };
  const latents = await pack.encode(Float32Array.from(rgb, (v, i) => v + emphasis * (v - decoded[i]!)), n);
  return { latents, decoded: await pack.decode(latents, n) };
}
