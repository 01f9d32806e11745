import { parserWords } from "./parse.ts";
import { phrase } from "./phrase.ts";
import { createRng } from "./rng.ts";
import { sampleDescription } from "./sample.ts";

/** The word list the text encoder is built on: all the phrase generator emits plus all the parser knows. */
export function promptWords(): string[] {
  const words = new Set(parserWords());
  for (let i = 0; i < 20_000; i++) {
    const d = sampleDescription(i, i % 8 === 0 ? "heldout" : "train");
    for (const w of phrase(d, createRng(i)).split(" ")) words.add(w);
  }
  return [...words].filter((w) => /^[a-z0-9-]+$/.test(w)).sort();
}
