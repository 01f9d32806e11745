import { Tokenizer } from "@huggingface/tokenizers";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { manifestError, manifestSchema, type Manifest } from "./manifest.ts";

export type Provider = "cpu" | "cuda";
export type SessionName = "text_encoder" | "denoiser" | "decoder" | "encoder";

/** Reads and validates a pack's manifest, with an error that names the pack and the field. */
export function readManifest(dir: string): Manifest {
  const path = join(dir, "manifest.json");
  if (!existsSync(path)) throw new Error(`model pack at ${dir} has no manifest.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`model pack at ${dir}: manifest.json is not valid JSON (${(e as Error).message})`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) throw new Error(manifestError(dir, parsed.error));
  for (const [key, f] of Object.entries(parsed.data.files)) {
    if (f && !existsSync(join(dir, f.path))) throw new Error(`model pack "${parsed.data.name}": files.${key} (${f.path}) is missing`);
  }
  return parsed.data;
}

/** Checks every file's sha256 against the manifest; returns the names that differ. */
export function verifyPack(dir: string, manifest: Manifest): string[] {
  return Object.entries(manifest.files).flatMap(([key, f]) => {
    if (!f) return [];
    const hash = createHash("sha256").update(readFileSync(join(dir, f.path))).digest("hex");
    return hash === f.sha256 ? [] : [key];
  });
}

/** `folder` is what a workflow names (LoadModel's `pack`); `name` is the manifest's, or the folder's when the manifest is broken. */
export interface PackInfo { folder: string; name: string; dir: string; manifest?: Manifest; error?: string }

/** Every folder with a manifest.json under the given roots; broken packs are listed with their error. */
export function listPacks(roots: string[]): PackInfo[] {
  const out: PackInfo[] = [];
  for (const root of roots) {
    if (!existsSync(root)) continue;
    const entries = readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const dir = join(root, entry.name);
      if (!entry.isDirectory() || !existsSync(join(dir, "manifest.json"))) continue;
      try {
        const manifest = readManifest(dir);
        out.push({ folder: entry.name, name: manifest.name, dir, manifest });
      } catch (e) {
        out.push({ folder: entry.name, name: entry.name, dir, error: (e as Error).message });
      }
    }
  }
  return out;
}

/** The pack a workflow names: its folder name first, then its manifest's name (a copied folder keeps
 *  the manifest's name, so the folder is what tells the copy from the original). */
export function findPack(roots: string[], pack: string): PackInfo | undefined {
  const packs = listPacks(roots);
  return packs.find((p) => p.folder === pack) ?? packs.find((p) => p.name === pack);
}

/** What a workflow can name: the folder of every valid pack, once each (the first root wins, as in findPack). */
export function packChoices(roots: string[]): string[] {
  return [...new Set(listPacks(roots).filter((p) => p.manifest).map((p) => p.folder))];
}

export interface TokenizedPrompt { ids: BigInt64Array; unknown: string[] }

export function loadTokenizer(dir: string, manifest: Manifest): (text: string) => TokenizedPrompt {
  const json = JSON.parse(readFileSync(join(dir, manifest.tokenizer.path), "utf8")) as object;
  const tokenizer = new Tokenizer(json, {});
  const { max_length: length, pad_id: pad, unk_id: unk } = manifest.tokenizer;
  return (text) => {
    const enc = tokenizer.encode(text);
    const unknown: string[] = [];
    const ids = new BigInt64Array(length).fill(BigInt(pad));
    // The WordLevel model returns undefined for words outside its vocabulary: map them to [UNK].
    enc.ids.slice(0, length).forEach((id: number | undefined, i: number) => {
      if (id === undefined || id === unk) unknown.push(enc.tokens[i] ?? "?");
      ids[i] = BigInt(id ?? unk);
    });
    return { ids, unknown };
  };
}

export interface SessionResult { session: ort.InferenceSession; provider: Provider; note?: string }

/** Opens one ONNX file; a CUDA request that cannot be met falls back to CPU or fails, as asked. */
export async function openSession(path: string, provider: Provider, fallback: boolean): Promise<SessionResult> {
  const cpu = { executionProviders: ["cpu"], graphOptimizationLevel: "all" } as const;
  if (provider === "cpu") return { session: await ort.InferenceSession.create(path, cpu), provider: "cpu" };
  try {
    return { session: await ort.InferenceSession.create(path, { executionProviders: ["cuda"], graphOptimizationLevel: "all" }), provider: "cuda" };
  } catch (e) {
    const why = `CUDA execution provider is not available (${(e as Error).message.split("\n")[0]})`;
    if (!fallback) throw new Error(`${why}. Install onnxruntime-node with its CUDA binaries, or choose device "cpu".`);
    return { session: await ort.InferenceSession.create(path, cpu), provider: "cpu", note: `${why}; running on CPU instead` };
  }
}
