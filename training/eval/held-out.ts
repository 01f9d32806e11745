// The held-out split, drawn the way the dataset generator draws it, so no files are needed.
import { resolveScene } from "../../nodes/physics/describe.ts";
import { phrase } from "../../nodes/physics/phrase.ts";
import { createRng } from "../../nodes/physics/rng.ts";
import { clipSeed, sampleDescription } from "../../nodes/physics/sample.ts";

/** A held-out prompt: `seed` draws its scene, `noiseSeed` the generation's noise. */
export interface HeldOut { prompt: string; seed: number; noiseSeed: number; scene: ReturnType<typeof resolveScene> }

/**
 * Held-out prompts `skip` … `skip + n - 1`. Both seeds follow from the prompt's place in the whole
 * split, so a run with `--skip` makes the same clip for a prompt as a run from the start.
 */
export function heldOutPrompts(n: number, skip = 0): HeldOut[] {
  return Array.from({ length: n }, (_, k) => {
    const i = skip + k;
    const seed = clipSeed(1, i, "heldout");
    const d = sampleDescription(seed, "heldout");
    return { prompt: phrase(d, createRng(seed ^ 0xbeef)), seed, noiseSeed: 100 + i, scene: resolveScene(d, seed) };
  });
}
