import { colorsSettingAt, substituteColors } from "../model/color-words.ts";
import type { LoadedPack } from "../model/runtime.ts";
import { sceneDescription, type SceneDescription } from "../physics/describe.ts";
import { parsePrompt, sceneWords } from "../physics/parse.ts";
import { canonicalPhrase, grammarPhrasings } from "../physics/phrase.ts";

// A prompt in people's words, read into the scene it describes and phrased again in the words the
// text encoder and the denoiser were trained on. Only for prompts that need it, and never silently:
// Text Encode shows what it read.

/**
 * Whether the prompt is, word for word, one the grammar itself gives for the scene the rule-based
 * parser reads in it (exact on the grammar's own phrasings): the words and the order the model was
 * trained on, so it is encoded as typed.
 */
function isGrammar(words: string[]): boolean {
  const text = words.join(" ");
  return grammarPhrasings(parsePrompt(text).description).has(text);
}

/** The words of a prompt as the tokenizers split them: lower case, punctuation read as a space. */
const wordsOf = (text: string): string[] => text.toLowerCase().replace(/[^\w\s]/g, " ").split(/\s+/).filter(Boolean);

/**
 * The objects' colour when the reader took the setting's: a colour named only just before a setting
 * word ("under a red sky", "against a black starry sky") is the sky's or the ground's, as the
 * rule-based parser reads it, so where the prompt names one other colour of the palette, that one is
 * the objects'. Otherwise the reader's colour stands.
 */
function objectColour(words: string[], read: string, palette: readonly string[]): string {
  const named = words.flatMap((w, i) => (palette.includes(w) ? [{ w, setting: colorsSettingAt(words, i) }] : []));
  if (!named.some((n) => n.w === read) || named.some((n) => n.w === read && !n.setting)) return read;
  const others = new Set(named.filter((n) => !n.setting).map((n) => n.w));
  return others.size === 1 ? [...others][0]! : read;
}

/** A field the reader chose with less than this probability is named as unsure. */
const SURE = 0.5;

export interface Reading {
  /** What the text encoder gets instead of the prompt. */
  text: string;
  description: SceneDescription;
  /** Fields the reader was unsure of. */
  unsure: string[];
  /** The prompt's words outside the reader's vocabulary: read around, not read. */
  unknown: string[];
}

/**
 * The pack's reading of `text` (after a colour its palette lacks is mapped to the nearest it has),
 * when the pack has a prompt reader and the prompt is not one of the grammar's own phrasings;
 * undefined when it is (encoded as typed), or when it names nothing of a scene the grammar knows
 * (nothing to read: "blurry, low quality" as a negative prompt).
 */
export async function readPrompt(pack: LoadedPack, text: string): Promise<Reading | undefined> {
  if (!pack.read) return undefined;
  const drawn = substituteColors(text, pack.manifest.palette).text;
  const words = wordsOf(drawn);
  if (sceneWords(words).length === 0 || isGrammar(words)) return undefined;
  const { fields, unknown } = await pack.read(drawn);
  const value = (field: string): string | undefined => fields[field]?.value;
  const colour = value("color");
  const parsed = sceneDescription.safeParse({
    shape: value("shape"), color: colour && objectColour(words, colour, Object.keys(pack.manifest.palette ?? {})), size: value("size"), material: value("material"),
    count: Number(value("count")), motion: value("motion"), place: value("place") === "none" ? undefined : value("place"),
    background: value("background"), walls: value("walls") === "true",
  });
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`model pack "${pack.name}": its reader's fields do not describe a scene (${why})`);
  }
  const unsure = Object.entries(fields).filter(([, f]) => f.p < SURE).map(([field]) => field);
  return { text: canonicalPhrase(parsed.data), description: parsed.data, unsure, unknown };
}
