import sharp from "sharp";
import { FRAMES } from "../../core/node/sockets.ts";
import { defineNode, p } from "../../core/node/definition.ts";
import { fileFingerprint, inputFile, SHARP_FIT, sizeParams } from "./input-file.ts";
import "../model/values.ts";

/** Larger images are refused before decoding (a 20,000 × 20,000 PNG would need 1.2 GB). */
export const MAX_IMAGE_PIXELS = 64 * 1024 * 1024;

export default defineNode({
  type: "t2v.LoadImage",
  version: 1,
  title: "Load Image",
  category: "media",
  description: "Reads a PNG, JPEG, WebP, GIF, TIFF or AVIF from the input folder as one frame at the size asked for (crop, pad or stretch).",
  aliases: ["LoadImage"],
  aliasWidgets: { LoadImage: ["image", null] },
  inputs: {},
  params: {
    image: p.text({ description: "File name in the input folder (uploads land there)", upload: "image" }),
    ...sizeParams,
  },
  outputs: { FRAMES },
  fingerprint: ({ image }, services) => fileFingerprint(services.paths.input, image),
  run: async (ctx, { image, width, height, fit }) => {
    const { file } = await inputFile(ctx.services.paths.input, image, "image");
    const unreadable = (err: unknown) => new Error(`image: "${image}" is not an image this studio can read (${err instanceof Error ? err.message : String(err)})`);
    const meta = await sharp(file, { limitInputPixels: false }).metadata().catch((err: unknown) => {
      throw unreadable(err);
    });
    const w = meta.width ?? 0;
    const h = meta.height ?? 0;
    if (w * h > MAX_IMAGE_PIXELS) throw new Error(`image: "${image}" is ${w} × ${h}, over the ${MAX_IMAGE_PIXELS / 1024 / 1024} megapixels Load Image reads; scale it down first`);
    const rgb = await sharp(file, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: "truncated" })
      .rotate()
      .flatten({ background: "#000000" })
      .resize(width, height, { fit: SHARP_FIT[fit], background: "#000000", kernel: "lanczos3" })
      .removeAlpha()
      .raw()
      .toBuffer()
      .catch((err: unknown) => {
        throw unreadable(err);
      });
    return { outputs: { FRAMES: { rgb: new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.byteLength), width, height, frames: 1, batch: 1, fps: 8 } } };
  },
});
