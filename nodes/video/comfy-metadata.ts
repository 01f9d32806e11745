// The graph ComfyUI (and VideoHelperSuite) embed in the files they write, so a file made there
// can be dropped on our editor. Where each writer puts it:
//   PNG (SaveImage)                 tEXt chunks keyed "prompt" (API format) and "workflow" (UI format)
//   PNG (SaveAnimatedPNG)           private "comf" chunks: keyword, NUL, JSON
//   WebP (SaveAnimatedWEBP)         EXIF chunk, IFD0 strings "prompt:<json>" (0x0110 Model) and
//                                   "workflow:<json>" (0x010F Make, further extras count down)
//   MP4/MOV/MKV/WebM (SaveVideo)    container tags "prompt" and "workflow" (mdta keys in MP4)
//   MP4/WebM… (VHS_VideoCombine)    one "comment" tag: {"prompt": "<json text>", "workflow": {…}}
import { open, readFile } from "node:fs/promises";
import { exifStrings, isPng, isWebp, pngChunks, pngTexts, webpChunk } from "./containers.ts";
import { readTags } from "./ffmpeg.ts";

export interface ComfyMetadata {
  /** UI format (litegraph: nodes, links, version 0.4 or 1). */
  workflow?: unknown;
  /** API format ({"<id>": {class_type, inputs}}). */
  prompt?: unknown;
}

type Entry = keyof ComfyMetadata;
const ENTRIES: Entry[] = ["workflow", "prompt"];
const isEntry = (key: string): key is Entry => (ENTRIES as string[]).includes(key);
/** ffmpeg reads tags; a broken file must not hold a request forever. */
const TAG_TIMEOUT_MS = 60_000;

/** A file that carries ComfyUI metadata we cannot use; `detail` says what without the path (for an upload's own name). */
export class ComfyMetadataError extends Error {
  constructor(
    public readonly file: string,
    public readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = "ComfyMetadataError";
  }
}

const NON_FINITE = /-?Infinity|NaN/y;

/**
 * Replaces bare NaN, Infinity and -Infinity outside strings with null: Python's json.dumps writes
 * them (ComfyUI's prompts can hold them) and JSON.parse refuses them. One linear pass.
 */
function nonFiniteToNull(text: string): string {
  const parts: string[] = [];
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
    } else if (c === "N" || c === "I" || c === "-") {
      NON_FINITE.lastIndex = i;
      if (!NON_FINITE.test(text)) continue;
      parts.push(text.slice(copied, i), "null");
      copied = NON_FINITE.lastIndex;
      i = copied - 1;
    }
  }
  return parts.length === 0 ? text : parts.join("") + text.slice(copied);
}

function parseLenient(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const fixed = nonFiniteToNull(text);
    if (fixed === text) throw err;
    return JSON.parse(fixed);
  }
}

/** A JSON value from text; text that holds JSON text again (VHS's prompt) is unwrapped, twice at most. */
function parseValue(raw: unknown): unknown {
  let value = typeof raw === "string" ? parseLenient(raw) : raw;
  for (let depth = 0; depth < 2 && typeof value === "string" && /^\s*[[{"]/.test(value); depth++) value = parseLenient(value);
  return value;
}

/** The JSON texts each container holds, by entry; values not yet parsed (VHS's comment may hold objects). */
type Raw = Partial<Record<Entry, unknown>>;

function fromPng(png: Buffer): Raw {
  const raw: Raw = {};
  const texts = pngTexts(png);
  for (const key of ENTRIES) if (texts.has(key)) raw[key] = texts.get(key);
  for (const chunk of pngChunks(png)) {
    if (chunk.type !== "comf") continue;
    const nul = chunk.data.indexOf(0);
    const key = nul < 0 ? "" : chunk.data.toString("latin1", 0, nul);
    if (isEntry(key) && raw[key] === undefined) raw[key] = chunk.data.toString("latin1", nul + 1);
  }
  return raw;
}

function fromWebp(webp: Buffer): Raw {
  const exif = webpChunk(webp, "EXIF");
  const raw: Raw = {};
  if (exif === undefined) return raw;
  // Every IFD0 string is "<key>:<json>"; ComfyUI's own tags are 0x0110 and 0x010F downwards.
  for (const text of exifStrings(exif).values()) {
    const colon = text.indexOf(":");
    const key = text.slice(0, colon);
    if (colon > 0 && isEntry(key) && raw[key] === undefined) raw[key] = text.slice(colon + 1);
  }
  return raw;
}

/** Tags; `problem` when VHS's comment looks like ours but is not JSON. */
async function fromTags(file: string): Promise<{ raw: Raw; problem?: string }> {
  const tags = await readTags(file, AbortSignal.timeout(TAG_TIMEOUT_MS));
  const raw: Raw = {};
  for (const key of ENTRIES) if (tags.has(key)) raw[key] = tags.get(key);
  if (raw.workflow !== undefined || raw.prompt !== undefined) return { raw };
  // VHS: one JSON object in "comment". Any other comment is someone else's text, not an error.
  const comment = tags.get("comment");
  if (comment === undefined || !comment.trimStart().startsWith("{")) return { raw };
  let parsed: unknown;
  try {
    parsed = parseLenient(comment);
  } catch (err) {
    if (!comment.includes('"workflow"') && !comment.includes('"prompt"')) return { raw };
    return { raw, problem: `the "comment" tag is not valid JSON (${(err as Error).message})` };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { raw };
  const fields = parsed as Record<string, unknown>;
  for (const key of ENTRIES) if (fields[key] !== undefined) raw[key] = fields[key];
  return { raw };
}

type Kind = "png" | "webp" | "video" | "other";

function sniff(head: Buffer): Kind {
  if (isPng(head)) return "png";
  if (isWebp(head)) return "webp";
  // ISO BMFF (MP4, MOV, M4V) opens with an ftyp box; old QuickTime files with moov, mdat, wide or free.
  if (["ftyp", "moov", "mdat", "wide", "free"].includes(head.toString("latin1", 4, 8))) return "video";
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return "video"; // EBML: Matroska, WebM
  return "other";
}

/**
 * The workflow (UI format) and prompt (API format) ComfyUI or VideoHelperSuite embedded in `file`
 * (PNG, WebP, MP4, MOV, MKV, WebM, told apart by their bytes), as parsed JSON; null when the file
 * carries neither. An entry that is not valid JSON is left out when the other one is good;
 * ComfyMetadataError when none is usable, or when the file cannot be read.
 */
export async function readComfyMetadata(file: string): Promise<ComfyMetadata | null> {
  const head = Buffer.alloc(16);
  let headLength: number;
  try {
    const fh = await open(file, "r");
    try {
      headLength = (await fh.read(head, 0, 16, 0)).bytesRead;
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw new ComfyMetadataError(file, `cannot read the file (${(err as Error).message})`);
  }
  const kind = sniff(head.subarray(0, headLength));
  if (kind === "other") return null;

  let raw: Raw;
  const problems: string[] = [];
  try {
    if (kind === "video") {
      const tags = await fromTags(file);
      raw = tags.raw;
      if (tags.problem) problems.push(tags.problem);
    } else {
      const bytes = await readFile(file);
      raw = kind === "png" ? fromPng(bytes) : fromWebp(bytes);
    }
  } catch (err) {
    throw new ComfyMetadataError(file, `cannot read its metadata (${(err as Error).message})`);
  }

  const out: ComfyMetadata = {};
  for (const key of ENTRIES) {
    if (raw[key] === undefined) continue;
    try {
      out[key] = parseValue(raw[key]);
    } catch (err) {
      problems.push(`the "${key}" entry is not valid JSON (${(err as Error).message})`);
    }
  }
  if (out.workflow !== undefined || out.prompt !== undefined) return out;
  if (problems.length > 0) throw new ComfyMetadataError(file, `carries ComfyUI metadata that cannot be read: ${problems.join("; ")}`);
  return null;
}
