import { Tokenizer } from "@huggingface/tokenizers";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import type { z } from "zod";
import { manifestError, manifestSchema, type Manifest, type PackKind } from "./manifest.ts";
import { upscalerManifestSchema, type UpscalerManifest } from "./upscaler-manifest.ts";

export type Provider = "cpu" | "cuda";
export type SessionName = "text_encoder" | "denoiser" | "decoder" | "encoder" | "reader";

function readJson(dir: string): unknown {
  const path = join(dir, "manifest.json");
  if (!existsSync(path)) throw new Error(`model pack at ${dir} has no manifest.json`);
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`model pack at ${dir}: manifest.json is not valid JSON (${(e as Error).message})`);
  }
}

/** The manifest's `kind`, "video" when it has none (packs made before upscalers existed). */
function kindOf(raw: unknown): string {
  const kind = raw !== null && typeof raw === "object" ? (raw as { kind?: unknown }).kind : undefined;
  return typeof kind === "string" ? kind : "video";
}

const SCHEMAS = { video: manifestSchema, upscaler: upscalerManifestSchema } as const;
type ManifestOf<K extends PackKind> = z.output<(typeof SCHEMAS)[K]>;

/** Validates a pack's parsed manifest.json as the kind asked for, with an error that names the pack and the field. */
function checkManifest<K extends PackKind>(dir: string, raw: unknown, kind: K): ManifestOf<K> {
  const actual = kindOf(raw);
  if (actual !== kind) throw new Error(`model pack at ${dir} is a "${actual}" pack, not a "${kind}" pack`);
  const parsed = SCHEMAS[kind].safeParse(raw);
  if (!parsed.success) throw new Error(manifestError(dir, parsed.error));
  const m = parsed.data as ManifestOf<K>;
  for (const [key, f] of Object.entries(m.files as Record<string, { path: string } | undefined>)) {
    if (f && !existsSync(join(dir, f.path))) throw new Error(`model pack "${m.name}": files.${key} (${f.path}) is missing`);
  }
  return m;
}

const readPackManifest = <K extends PackKind>(dir: string, kind: K): ManifestOf<K> => checkManifest(dir, readJson(dir), kind);

/** A generation pack's manifest. */
export const readManifest = (dir: string): Manifest => readPackManifest(dir, "video");
/** An upscaler pack's manifest. */
export const readUpscalerManifest = (dir: string): UpscalerManifest => readPackManifest(dir, "upscaler");

/** Checks every file's sha256 against the manifest; returns the names that differ. */
export function verifyPack(dir: string, manifest: { files: Record<string, { path: string; sha256: string } | undefined> }): string[] {
  return Object.entries(manifest.files).flatMap(([key, f]) => {
    if (!f) return [];
    const hash = createHash("sha256").update(readFileSync(join(dir, f.path))).digest("hex");
    return hash === f.sha256 ? [] : [key];
  });
}

/** `folder` is what a workflow names (LoadModel's `pack`); `name` is the manifest's, or the folder's when the manifest is broken. */
export interface PackInfo<M = Manifest> { folder: string; name: string; dir: string; manifest?: M; error?: string }

/** Every folder under the roots whose manifest.json is of `kind` (default "video"); broken packs are listed with their error. */
export function listPacks<K extends PackKind = "video">(roots: readonly string[], kind: K = "video" as K): PackInfo<ManifestOf<K>>[] {
  const out: PackInfo<ManifestOf<K>>[] = [];
  for (const root of roots) {
    if (!existsSync(root)) continue;
    const entries = readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const dir = join(root, entry.name);
      if (!entry.isDirectory() || !existsSync(join(dir, "manifest.json"))) continue;
      try {
        const raw = readJson(dir);
        if (kindOf(raw) !== kind) continue;
        const manifest = checkManifest(dir, raw, kind);
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
export function findPack<K extends PackKind = "video">(roots: readonly string[], pack: string, kind: K = "video" as K): PackInfo<ManifestOf<K>> | undefined {
  const packs = listPacks(roots, kind);
  return packs.find((p) => p.folder === pack) ?? packs.find((p) => p.name === pack);
}

/** What a workflow can name: the folder of every valid pack of `kind`, once each (the first root wins, as in findPack). */
export function packChoices(roots: readonly string[], kind: PackKind = "video"): string[] {
  return [...new Set(listPacks(roots, kind).filter((p) => p.manifest).map((p) => p.folder))];
}

export interface TokenizedPrompt { ids: BigInt64Array; unknown: string[] }

interface WordTokenizerSpec { max_length: number; pad_id: number; unk_id: number }

/** The pack's tokenizer for its text encoder. */
export const loadTokenizer = (dir: string, manifest: Manifest): ((text: string) => TokenizedPrompt) =>
  loadWordTokenizer(join(dir, manifest.tokenizer.path), manifest.tokenizer);

/** The tokenizer of the pack's prompt reader; undefined for a pack without one. */
export const loadReaderTokenizer = (dir: string, manifest: Manifest): ((text: string) => TokenizedPrompt) | undefined =>
  manifest.reader && manifest.files.reader_tokenizer ? loadWordTokenizer(join(dir, manifest.files.reader_tokenizer.path), manifest.reader) : undefined;

/** A tokenizer.json read into fixed-length rows of ids, padded with pad_id; the words it lacks are listed. */
function loadWordTokenizer(path: string, spec: WordTokenizerSpec): (text: string) => TokenizedPrompt {
  const json = JSON.parse(readFileSync(path, "utf8")) as object;
  const tokenizer = new Tokenizer(json, {});
  const { max_length: length, pad_id: pad, unk_id: unk } = spec;
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
