// Shared by the video tests: a synthetic clip, a node context, temp folders, a tiny model pack,
// and ffprobe (Debian's, at /usr/bin) to decode what the nodes wrote.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { onTestFinished } from "vitest";
import type { Frames } from "../../nodes/model/values.ts";
import type { Logger, NodeContext } from "../../core/node/definition.ts";
import { workflowSchema, type Workflow, type WorkflowInput } from "../../core/workflow/schema.ts";
import { registry } from "../../nodes/index.ts";
import { createServices } from "../../server/services.ts";

export const FFPROBE = "/usr/bin/ffprobe";
export const BACKGROUND = [20, 40, 160] as const;
export const SQUARE = [230, 40, 40] as const;

/** A red 12×12 square moving right by 2 px a frame over blue; each clip of the batch starts lower. */
export function movingSquare(o: { width?: number; height?: number; frames?: number; batch?: number; fps?: number } = {}): Frames {
  const { width = 64, height = 64, frames = 16, batch = 1, fps = 8 } = o;
  const rgb = new Uint8Array(batch * frames * width * height * 3);
  for (let b = 0; b < batch; b++) {
    for (let f = 0; f < frames; f++) {
      const base = (b * frames + f) * width * height * 3;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const inside = x >= 2 + 2 * f && x < 14 + 2 * f && y >= 4 + 8 * b && y < 16 + 8 * b;
          rgb.set(inside ? SQUARE : BACKGROUND, base + (y * width + x) * 3);
        }
      }
    }
  }
  return { rgb, width, height, frames, batch, fps };
}

export interface Sandbox {
  root: string;
  output: string;
  modelRoot: string;
}

/** Fresh temp folders for one test, removed when it finishes. */
export function sandbox(): Sandbox {
  const root = mkdtempSync(path.join(tmpdir(), "t2v-video-"));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  const output = path.join(root, "output");
  const modelRoot = path.join(root, "models");
  mkdirSync(output);
  mkdirSync(modelRoot);
  return { root, output, modelRoot };
}

const silent: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export function makeCtx(box: Sandbox, o: { nodeId?: string; workflow?: Workflow; signal?: AbortSignal; progress?: (v: number, m: number) => void } = {}): NodeContext {
  const services = createServices({ outputDir: box.output, tempDir: path.join(box.root, "temp"), inputDir: path.join(box.root, "input") });
  services.modelRoots = [box.modelRoot];
  return {
    nodeId: o.nodeId ?? "9",
    jobId: "job-1",
    signal: o.signal ?? new AbortController().signal,
    progress: o.progress ?? (() => {}),
    preview: () => {},
    log: silent,
    services,
    live: { get: () => ({}), applied: () => [] },
    workflow: o.workflow,
    definitionOf: (type) => registry.get(type),
  };
}

/** A valid pack manifest with placeholder files; returns the sha256 of its manifest.json. */
export function writeTinyPack(modelRoot: string, name: string): string {
  const dir = path.join(modelRoot, name);
  mkdirSync(dir, { recursive: true });
  const file = (p: string) => {
    writeFileSync(path.join(dir, p), p);
    return { path: p, sha256: createHash("sha256").update(p).digest("hex") };
  };
  const io = { inputs: { x: { dtype: "float32", shape: [1] } }, outputs: { y: { dtype: "float32", shape: [1] } } };
  const manifest = {
    schema: 1, name, version: "1.0.0", title: "Tiny", description: "test pack", license: "Apache-2.0",
    files: { text_encoder: file("te.onnx"), denoiser: file("dn.onnx"), decoder: file("dc.onnx"), tokenizer: file("tok.json") },
    tensors: { text_encoder: io, denoiser: io, decoder: io },
    latent: { channels: 1, spatial_factor: 1, temporal_factor: 1, layout: "BCTHW", shift: [0], scale: [1] },
    prediction: { type: "flow", time: "t", sigma: "t" },
    rgb_range: [0, 1],
    defaults: { width: 64, height: 64, frames: 16, fps: 8, steps: 10, cfg: 3, sampler: "euler", scheduler: "simple", shift: 1 },
    preview: { latent_rgb: [[1, 1, 1]], bias: [0, 0, 0] },
    tokenizer: { path: "tok.json", max_length: 8, pad_id: 0, unk_id: 1, lowercase: true },
  };
  const text = JSON.stringify(manifest);
  writeFileSync(path.join(dir, "manifest.json"), text);
  return `sha256:${createHash("sha256").update(text).digest("hex")}`;
}

/** A generation graph as the editor saves it, ending in a writer node "9". */
export function generationWorkflow(writer: { type: string; params: Record<string, unknown> } = { type: "t2v.VideoWriter", params: {} }): Workflow {
  const doc: WorkflowInput = {
    version: 2,
    metadata: { title: "ball", description: "a red ball rolls right" },
    nodes: [
      { id: "1", type: "t2v.LoadModel", params: { pack: "tiny-test", device: "cpu" } },
      { id: "2", type: "t2v.TextEncode", params: { text: "a red ball rolls to the right, café" } },
      { id: "3", type: "t2v.TextEncode", params: { text: "blurry" } },
      { id: "4", type: "t2v.EmptyVideoLatent", params: { width: 64, height: 64, frames: 16, fps: 8, batch: 1, seed: 4242, control_after_generate: "fixed" } },
      { id: "5", type: "t2v.Scheduler", params: { steps: 12 } },
      { id: "6", type: "t2v.Sampler", params: { sampler_name: "euler", cfg: 4.5, seed: 7, control_after_generate: "randomize" } },
      { id: "7", type: "t2v.Decode", params: { frames_per_call: 16 } },
      { id: "9", type: writer.type, params: writer.params },
    ],
    links: [
      { id: "a", from: { node: "1", output: "TEXT_ENCODER" }, to: { node: "2", input: "clip" } },
      { id: "b", from: { node: "1", output: "TEXT_ENCODER" }, to: { node: "3", input: "clip" } },
      { id: "c", from: { node: "1", output: "MODEL" }, to: { node: "5", input: "model" } },
      { id: "d", from: { node: "1", output: "MODEL" }, to: { node: "6", input: "model" } },
      { id: "e", from: { node: "2", output: "CONDITIONING" }, to: { node: "6", input: "positive" } },
      { id: "f", from: { node: "3", output: "CONDITIONING" }, to: { node: "6", input: "negative" } },
      { id: "g", from: { node: "4", output: "LATENT" }, to: { node: "6", input: "latent_image" } },
      { id: "h", from: { node: "5", output: "SIGMAS" }, to: { node: "6", input: "sigmas" } },
      { id: "i", from: { node: "6", output: "LATENT" }, to: { node: "7", input: "samples" } },
      { id: "j", from: { node: "1", output: "DECODER" }, to: { node: "7", input: "vae" } },
      { id: "k", from: { node: "7", output: "FRAMES" }, to: { node: "9", input: "frames" } },
    ],
    extra: { viewport: { x: 0, y: 0, zoom: 1 } },
  };
  return workflowSchema.parse(doc);
}

export interface Probe {
  codec: string;
  width: number;
  height: number;
  frames: number;
  fps: string;
  pixFmt: string;
}

/** Decodes every frame with ffprobe and reports what the stream really holds. */
export function probe(file: string): Probe {
  const out = execFileSync(FFPROBE, [
    "-v", "error", "-count_frames", "-select_streams", "v:0",
    "-show_entries", "stream=codec_name,width,height,nb_read_frames,avg_frame_rate,pix_fmt", "-of", "json", file,
  ]).toString();
  const s = (JSON.parse(out) as { streams: Record<string, string | number>[] }).streams[0];
  return { codec: String(s.codec_name), width: Number(s.width), height: Number(s.height), frames: Number(s.nb_read_frames), fps: String(s.avg_frame_rate), pixFmt: String(s.pix_fmt) };
}
