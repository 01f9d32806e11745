import { join } from "node:path";
import * as ort from "onnxruntime-node";
import type { Manifest } from "./manifest.ts";
import { openUpscaler } from "./upscaler.ts";
import { loadReaderTokenizer, loadTokenizer, openSession, readManifest, type Provider, type SessionName, type TokenizedPrompt } from "./pack.ts";

/** A model pack with its ONNX sessions opened on first use and shared by every job. */
export interface LoadedPack {
  name: string;
  dir: string;
  manifest: Manifest;
  provider: Provider;
  /** Things the user should know, e.g. a CUDA request that fell back to CPU. */
  notes: string[];
  tokenize(text: string): TokenizedPrompt;
  /**
   * With a pack that has a prompt reader (manifest `reader`): the value it reads for each field, with
   * the reader's probability for it, and the prompt's words outside the reader's vocabulary.
   * Undefined for a pack without one.
   */
  read?(text: string): Promise<{ fields: Record<string, { value: string; p: number }>; unknown: string[] }>;
  /** ids: one row of max_length per prompt → features [batch, length, dim]. */
  encodeText(ids: BigInt64Array, batch: number): Promise<Float32Array>;
  /** One denoiser call; every input already batched (the CFG pair goes in one call). */
  denoise(inputs: DenoiseInputs, batch: number): Promise<Float32Array>;
  /** Raw latents [n, C, h, w] (frame-major) → RGB [n, 3, H, W] in the pack's rgb_range. */
  decode(latents: Float32Array, n: number): Promise<Float32Array>;
  /** RGB [n, 3, H, W] → raw latents [n, C, h, w]. */
  encode(rgb: Float32Array, n: number): Promise<Float32Array>;
  release(): Promise<void>;
}

export interface DenoiseInputs {
  x: Float32Array;
  t: Float32Array;
  text: Float32Array;
  sim: Float32Array;
  simFlag: Float32Array;
  /** Given latent frames and their per-frame mask, for a pack with a known-frames input (zeros: none given). */
  known?: { values: Float32Array; mask: Float32Array };
}

function dims(m: Manifest, session: SessionName, input: string, batch: number): number[] {
  const spec = m.tensors[session]?.inputs[input];
  if (!spec) throw new Error(`model pack "${m.name}" has no ${session} input "${input}"`);
  return spec.shape.map((d) => (typeof d === "number" ? d : batch));
}

export async function openPack(dir: string, provider: Provider, fallback: boolean): Promise<LoadedPack> {
  const manifest = readManifest(dir);
  const tokenize = loadTokenizer(dir, manifest);
  const sessions = new Map<SessionName, Promise<ort.InferenceSession>>();
  const notes: string[] = [];
  let actual: Provider = provider;
  const session = (name: SessionName): Promise<ort.InferenceSession> => {
    let s = sessions.get(name);
    if (!s) {
      const f = manifest.files[name];
      if (!f) throw new Error(`model pack "${manifest.name}" has no ${name}`);
      s = openSession(join(dir, f.path), provider, fallback).then((r) => {
        actual = r.provider;
        if (r.note && !notes.includes(r.note)) notes.push(r.note);
        return r.session;
      });
      sessions.set(name, s);
    }
    return s;
  };
  const run = async (name: SessionName, feeds: Record<string, ort.Tensor>): Promise<Float32Array> => {
    const s = await session(name);
    const out = await s.run(feeds);
    return out[s.outputNames[0]!]!.data as Float32Array;
  };
  const lat = manifest.latent;
  const reader = manifest.reader;
  const readerTokenize = loadReaderTokenizer(dir, manifest);
  const read = reader && readerTokenize ? async (text: string) => {
    const s = await session("reader");
    const { ids, unknown } = readerTokenize(text);
    const out = await s.run({ [reader.input]: new ort.Tensor("int64", ids, [1, reader.max_length]) });
    const fields = Object.fromEntries(Object.entries(reader.fields).map(([field, values]) => {
      const logits = out[field]?.data as Float32Array | undefined;
      if (!logits || logits.length !== values.length) throw new Error(`model pack "${manifest.name}": the reader's output "${field}" is missing or has not ${values.length} values (manifest reader.fields.${field})`);
      return [field, pickOne(logits, values)];
    }));
    return { fields, unknown };
  } : undefined;
  return {
    name: manifest.name,
    dir,
    manifest,
    get provider() { return actual; },
    notes,
    tokenize,
    ...(read ? { read } : {}),
    encodeText: (ids, batch) => run("text_encoder", { input_ids: new ort.Tensor("int64", ids, dims(manifest, "text_encoder", "input_ids", batch)) }),
    denoise: (i, batch) => {
      const sim = manifest.conditioning.simulation;
      const feeds: Record<string, ort.Tensor> = {
        x: new ort.Tensor("float32", i.x, dims(manifest, "denoiser", "x", batch)),
        t: new ort.Tensor("float32", i.t, [batch]),
        text: new ort.Tensor("float32", i.text, dims(manifest, "denoiser", "text", batch)),
      };
      if (sim) {
        feeds[sim.input] = new ort.Tensor("float32", i.sim, dims(manifest, "denoiser", sim.input, batch));
        feeds[sim.flag] = new ort.Tensor("float32", i.simFlag, [batch]);
      }
      const known = manifest.conditioning.known;
      if (known) {
        const xDims = dims(manifest, "denoiser", "x", batch);
        feeds[known.input] = new ort.Tensor("float32", i.known?.values ?? new Float32Array(i.x.length), xDims);
        feeds[known.mask] = new ort.Tensor("float32", i.known?.mask ?? new Float32Array(batch * xDims[2]!), [batch, xDims[2]!]);
      }
      return run("denoiser", feeds);
    },
    decode: (latents, n) => run("decoder", { latent: new ort.Tensor("float32", latents, [n, lat.channels, ...dims(manifest, "decoder", "latent", n).slice(2)]) }),
    encode: (rgb, n) => run("encoder", { rgb: new ort.Tensor("float32", rgb, dims(manifest, "encoder", "rgb", n)) }),
    release: async () => {
      for (const s of sessions.values()) await (await s).release();
      sessions.clear();
    },
  };
}

/** The likeliest of `values` under `logits`, with its softmax probability. */
function pickOne(logits: Float32Array, values: string[]): { value: string; p: number } {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  let sum = 0;
  for (const l of logits) sum += Math.exp(l - logits[best]!);
  return { value: values[best]!, p: 1 / sum };
}

/** One opened thing per key, shared across jobs; a failed open is forgotten so the next call retries. */
function sharedOpener<T extends { release(): Promise<void> }>(open: (dir: string, provider: Provider, fallback: boolean) => Promise<T>) {
  const opened = new Map<string, Promise<T>>();
  return {
    get(dir: string, provider: Provider, fallback: boolean): Promise<T> {
      const key = `${dir}|${provider}|${fallback}`;
      let p = opened.get(key);
      if (!p) {
        p = open(dir, provider, fallback);
        p.catch(() => opened.delete(key));
        opened.set(key, p);
      }
      return p;
    },
    keys: () => [...opened.keys()],
    async free(): Promise<void> {
      const all = [...opened.values()];
      opened.clear();
      for (const p of all) await (await p.catch(() => undefined))?.release();
    },
  };
}

/**
 * Packs (and upscaler packs) opened once and shared across jobs, keyed by folder and device; `free`
 * releases them all. `device` (a worker machine's `--device`) overrides what each node asks for,
 * falling back to CPU when it cannot be had.
 */
export function createModelCache(o: { device?: Provider } = {}) {
  const packs = sharedOpener(openPack);
  const upscalers = sharedOpener(openUpscaler);
  const pick = <T>(get: (dir: string, provider: Provider, fallback: boolean) => Promise<T>) =>
    o.device === undefined ? get : (dir: string) => get(dir, o.device!, true);
  return {
    get: pick(packs.get),
    upscaler: pick(upscalers.get),
    loaded: () => [...packs.keys(), ...upscalers.keys()],
    async free(): Promise<void> {
      await packs.free();
      await upscalers.free();
    },
  };
}
export type ModelCache = ReturnType<typeof createModelCache>;
