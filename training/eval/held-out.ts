// The held-out split, drawn the way the dataset generator draws it, so no files are needed, and the
// paraphrase splits that phrase its scenes in people's words.
import { resolveScene, type SceneDescription } from "../../nodes/physics/describe.ts";
import { phrase } from "../../nodes/physics/phrase.ts";
import { createRng } from "../../nodes/physics/rng.ts";
import { clipSeed, sampleDescription } from "../../nodes/physics/sample.ts";
import { freshParaphrase } from "./paraphrase-fresh.ts";
import { thirdParaphrase } from "./paraphrase-third.ts";
import { paraphrase } from "./paraphrase.ts";

/** The paraphrase splits by name: `first`, then `fresh` and `third`, each written blind. */
export const PARAPHRASES = { first: paraphrase, fresh: freshParaphrase, third: thirdParaphrase } as const;
export type ParaphraseSplit = keyof typeof PARAPHRASES;
export const PARAPHRASE_SPLITS = Object.keys(PARAPHRASES) as [ParaphraseSplit, ...ParaphraseSplit[]];

/** A held-out prompt: `seed` draws its scene (described by `description`), `noiseSeed` the generation's noise. */
export interface HeldOut { prompt: string; seed: number; noiseSeed: number; description: SceneDescription; scene: ReturnType<typeof resolveScene> }

/**
 * Held-out prompts `skip` … `skip + n - 1`. Both seeds follow from the prompt's place in the whole
 * split, so a run with `--skip` makes the same clip for a prompt as a run from the start.
 */
export function heldOutPrompts(n: number, skip = 0): HeldOut[] {
  return Array.from({ length: n }, (_, k) => {
    const i = skip + k;
    const seed = clipSeed(1, i, "heldout");
    const d = sampleDescription(seed, "heldout");
    return { prompt: phrase(d, createRng(seed ^ 0xbeef)), seed, noiseSeed: 100 + i, description: d, scene: resolveScene(d, seed) };
  });
}
