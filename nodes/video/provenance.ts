// The provenance record every written file carries, and readProvenance() to get it back
// (used by `t2v inspect` and by the server to restore a dropped file's workflow).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { open, readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { Workflow } from "../../core/workflow/schema.ts";
import { findPack } from "../model/pack.ts";
import { gifComments, isGif, isPng, isWebp, pngTexts, recordFromXmp, webpChunk, workflowFromTags, WORKFLOW_TAG } from "./containers.ts";
import { readTags } from "./ffmpeg.ts";
import type { WorkflowSummary } from "./summarize.ts";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { name: string; version: string };
export const GENERATOR = { name: pkg.name, version: pkg.version } as const;

const settingsSchema = z.object({ type: z.string(), params: z.record(z.string(), z.unknown()) });

export const provenanceSchema = z
  .object({
    /** Version of this record's layout. */
    schema: z.literal(1),
    ai_generated: z.literal(true),
    generator: z.object({ name: z.string(), version: z.string() }),
    model: z.object({ pack: z.string().nullable(), hash: z.string().nullable() }),
    prompt: z.string().nullable(),
    negative_prompt: z.string().nullable(),
    seed: z.number().nullable(),
    sampler: settingsSchema.extend({ scheduler: settingsSchema.nullable() }).nullable(),
    created: z.string(),
    /** Which clip of the batch this file holds (0-based). */
    batch_index: z.number().int().nonnegative(),
    /** The workflow document (our format) that produced the file; null when run outside the engine. */
    workflow: z.record(z.string(), z.unknown()).nullable(),
  })
  .loose();
export type ProvenanceRecord = z.output<typeof provenanceSchema>;

export function createRecord(o: {
  summary: WorkflowSummary;
  modelHash: string | null;
  workflow: Workflow | undefined;
  batchIndex: number;
  created?: Date;
}): ProvenanceRecord {
  const { summary } = o;
  return {
    schema: 1,
    ai_generated: true,
    generator: { ...GENERATOR },
    model: { pack: summary.model.pack, hash: o.modelHash },
    prompt: summary.prompt,
    negative_prompt: summary.negative_prompt,
    seed: summary.seed,
    sampler: summary.sampler,
    created: (o.created ?? new Date()).toISOString(),
    batch_index: o.batchIndex,
    workflow: o.workflow ?? null,
  };
}

/** sha256 of the pack's manifest.json, which itself pins every model file by sha256. */
export function packHash(modelRoots: string[], pack: string | null): string | null {
  if (pack === null) return null;
  const found = findPack(modelRoots, pack);
  if (!found) return null;
  return `sha256:${createHash("sha256").update(readFileSync(path.join(found.dir, "manifest.json"))).digest("hex")}`;
}

export type ProvenanceProblem = "missing" | "damaged" | "unsupported" | "unreadable";

export class ProvenanceError extends Error {
  constructor(public readonly problem: ProvenanceProblem, public readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = "ProvenanceError";
  }
}

type Sniffed = "png" | "webp" | "gif" | "mp4" | "matroska" | "unknown";

function sniff(head: Buffer): Sniffed {
  if (isPng(head)) return "png";
  if (isWebp(head)) return "webp";
  if (isGif(head)) return "gif";
  if (head.toString("latin1", 4, 8) === "ftyp") return "mp4";
  if (head.readUInt32BE(0) === 0x1a45dfa3) return "matroska";
  return "unknown";
}

/** The raw record text from the file's metadata; undefined when the file carries none. */
async function recordText(file: string, kind: Sniffed): Promise<string | undefined> {
  if (kind === "mp4" || kind === "matroska") {
    const tags = await readTags(file);
    const label = tags.get("comment");
    if (label === undefined || !label.includes('"ai_generated"')) return undefined;
    const parsed = JSON.parse(label) as Record<string, unknown>;
    if ("workflow" in parsed) return label;
    const workflow = workflowFromTags(tags);
    if (workflow === undefined) throw new Error(`the ${WORKFLOW_TAG} tag is missing`);
    return JSON.stringify({ ...parsed, workflow: JSON.parse(workflow) as unknown });
  }
  const data = await readFile(file);
  if (kind === "png") {
    const xmp = pngTexts(data).get("XML:com.adobe.xmp");
    return xmp === undefined ? undefined : recordFromXmp(xmp);
  }
  if (kind === "webp") {
    const xmp = webpChunk(data, "XMP ");
    return xmp === undefined ? undefined : recordFromXmp(xmp.toString("utf8"));
  }
  return gifComments(data).find((c) => c.includes('"ai_generated"'));
}

/**
 * The provenance record of a file written by the studio (MP4, WebM, WebP, GIF, PNG).
 * Throws ProvenanceError: "missing" when the file has none, "damaged" when it cannot be parsed,
 * "unsupported" for other file types, "unreadable" when the file cannot be read.
 */
export async function readProvenance(file: string): Promise<ProvenanceRecord> {
  const head = Buffer.alloc(16);
  try {
    const fh = await open(file, "r");
    try {
      await fh.read(head, 0, 16, 0);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw new ProvenanceError("unreadable", file, `cannot read the file (${(err as Error).message})`);
  }
  const kind = sniff(head);
  if (kind === "unknown") throw new ProvenanceError("unsupported", file, "not an MP4, WebM, WebP, GIF or PNG file; no provenance to read");
  let text: string | undefined;
  try {
    text = await recordText(file, kind);
  } catch (err) {
    throw new ProvenanceError("damaged", file, `the provenance record is damaged (${(err as Error).message})`);
  }
  if (text === undefined) {
    throw new ProvenanceError("missing", file, "carries no t2v provenance record (not written by t2v-studio, or its metadata was stripped)");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ProvenanceError("damaged", file, `the provenance record is damaged: not valid JSON (${(err as Error).message})`);
  }
  const r = provenanceSchema.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new ProvenanceError("damaged", file, `the provenance record is damaged: ${issues}`);
  }
  return r.data;
}
