// The held-out scenes' prompts in the four phrasings the eval scores (grammar, `first`, `fresh`, `third`),
// each with the scene description it was made from: what train_reader.py checks its readings against.
// Only for checking; the reader never trains on them.
//
//   npx tsx training/reader_splits.ts --out $T2V_CACHE/reader/heldout.jsonl
import { Command } from "commander";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { heldOutPrompts, PARAPHRASES } from "./eval/held-out.ts";

const program = new Command("reader_splits").requiredOption("--out <file>", "JSON lines of {split, i, text, description}").option("--count <n>", "held-out scenes", "600");
const o = z.object({ out: z.string(), count: z.coerce.number().int().positive() }).parse(program.parse().opts());
const lines: string[] = [];
heldOutPrompts(o.count).forEach(({ prompt, seed, description }, i) => {
  lines.push(JSON.stringify({ split: "grammar", i, text: prompt, description }));
  for (const [split, phrasing] of Object.entries(PARAPHRASES)) lines.push(JSON.stringify({ split, i, text: phrasing(description, seed), description }));
});
mkdirSync(dirname(o.out), { recursive: true });
writeFileSync(o.out, lines.join("\n") + "\n");
console.log(`${lines.length} prompts → ${o.out}`);
