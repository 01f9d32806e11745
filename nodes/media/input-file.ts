// Files nodes read from the input folder (where uploads land): found safely, checked, fingerprinted.
import { stat } from "node:fs/promises";
import path from "node:path";
import { p } from "../../core/node/definition.ts";

export const FITS = ["crop", "pad", "stretch"] as const;
export type Fit = (typeof FITS)[number];
/** Each fit as sharp's resize calls it. */
export const SHARP_FIT = { crop: "cover", pad: "contain", stretch: "fill" } as const;

/** Size and fit params shared by Load Image and Load Video (defaults: the bundled pack's 64 × 64). */
export const sizeParams = {
  width: p.int({ default: 64, min: 8, max: 1024, step: 8, description: "Width of the frames made (the model pack's size)" }),
  height: p.int({ default: 64, min: 8, max: 1024, step: 8, description: "Height of the frames made" }),
  fit: p.choice(FITS, { default: "crop", description: "crop: fill and cut the overflow; pad: fit whole, black bars; stretch: ignore the aspect ratio" }),
};

/** The absolute path of `name` inside `folder`, or an error naming the param; never a path outside it. */
export async function inputFile(folder: string, name: string, param: string): Promise<{ file: string; size: number; mtimeMs: number }> {
  if (!name.trim()) throw new Error(`${param}: no file chosen (put one in the input folder or upload it)`);
  const root = path.resolve(folder);
  const file = path.resolve(root, name);
  if (file !== root && !file.startsWith(root + path.sep)) throw new Error(`${param}: "${name}" is outside the input folder`);
  const s = await stat(file).catch(() => undefined);
  if (!s?.isFile()) throw new Error(`${param}: no file "${name}" in the input folder (${root})`);
  return { file, size: s.size, mtimeMs: s.mtimeMs };
}

/** Cache key part: a changed file (same name) is read again. */
export async function fileFingerprint(folder: string, name: string): Promise<string> {
  try {
    const f = await inputFile(folder, name, "file");
    return `${f.size}:${f.mtimeMs}`;
  } catch {
    return "missing";
  }
}
