// What the server knows: node catalogue (ComfyUI's /object_info and ours), system, models, features.
import os from "node:os";
import { createRequire } from "node:module";
import { Router } from "express";
import sharp from "sharp";
import { packChoices } from "../../nodes/model/pack.ts";
import { catalogue, catalogueNode, objectInfoNode, toObjectInfo } from "../../core/engine/index.ts";
import type { ServerContext } from "./common.ts";

const require = createRequire(import.meta.url);

function packageVersion(name: string): string | undefined {
  try {
    return (require(`${name}/package.json`) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** CUDA through onnxruntime-node: "unknown" unless its CUDA provider is bundled (it is not, here). */
async function cudaSupport(): Promise<{ usable: boolean | "unknown"; note: string }> {
  try {
    const ort = (await import("onnxruntime-node")) as { listSupportedBackends?: () => { name: string; bundled: boolean }[] };
    const cuda = ort.listSupportedBackends?.().find((b) => b.name === "cuda");
    if (!cuda) return { usable: false, note: "onnxruntime-node lists no CUDA backend" };
    if (!cuda.bundled) return { usable: "unknown", note: "onnxruntime-node's CUDA provider needs the CUDA libraries installed; Load Model with device=cuda tries it and reports" };
    return { usable: "unknown", note: "CUDA provider bundled; whether a GPU is present is known when a session opens" };
  } catch (err) {
    return { usable: false, note: `onnxruntime-node did not load: ${err instanceof Error ? err.message : String(err)}` };
  }
}

export function infoRoutes(ctx: ServerContext): Router {
  const r = Router();

  r.get("/object_info", (_req, res) => {
    res.json(toObjectInfo(ctx.registry));
  });
  r.get("/object_info/:type", (req, res) => {
    const def = ctx.registry.get(req.params.type);
    res.json(def ? { [req.params.type]: objectInfoNode(def, ctx.registry.packOf?.(req.params.type)) } : {});
  });
  // Ours: params as JSON Schema, with kinds, ranges and choices, for the editor.
  r.get("/nodes", (_req, res) => {
    res.json(catalogue(ctx.registry));
  });
  r.get("/nodes/:type", (req, res) => {
    const def = ctx.registry.get(req.params.type);
    if (!def) res.status(404).json({ error: { type: "not_found", message: `no node type "${req.params.type}"` } });
    else res.json(catalogueNode(def, ctx.registry.packOf?.(req.params.type)));
  });

  r.get("/system_stats", async (_req, res) => {
    const cpus = os.cpus();
    res.json({
      system: {
        os: process.platform,
        arch: process.arch,
        ram_total: os.totalmem(),
        ram_free: os.freemem(),
        comfyui_version: `t2v-studio ${ctx.version}`,
        t2v_version: ctx.version,
        node_version: process.versions.node,
        python_version: null,
        pytorch_version: null,
        embedded_python: false,
        argv: process.argv,
        versions: { onnxruntime: packageVersion("onnxruntime-node") ?? null, sharp: sharp.versions.sharp, vips: sharp.versions.vips, v8: process.versions.v8 },
        uptime_s: Math.round(process.uptime()),
      },
      devices: [
        {
          name: cpus[0]?.model ?? "cpu",
          type: "cpu",
          index: 0,
          cores: cpus.length,
          vram_total: os.totalmem(),
          vram_free: os.freemem(),
          torch_vram_total: 0,
          torch_vram_free: 0,
        },
        // With a Redis queue: each connected `t2v worker`, as ComfyUI lists its devices.
        ...(await ctx.runner.workers()).map((w, i) => ({
          name: `worker ${w.id} (${w.host})`,
          type: w.provider,
          index: i + 1,
          worker: w.id,
          host: w.host,
          requested_device: w.device,
          concurrency: w.concurrency,
          running: w.running,
          loaded_models: w.loadedModels,
          last_seen_ms: Date.now() - w.seenAt,
        })),
      ],
      queue: { kind: ctx.runner.kind },
      cuda: await cudaSupport(),
      engine: { running: ctx.engine.running(), cache: ctx.engine.cacheStats(), loaded_models: ctx.services.models.loaded() },
    });
  });

  // ComfyUI's model folders: ours are "packs" (video packs) and "upscale_models" (upscaler packs).
  const folders = { packs: "video", upscale_models: "upscaler" } as const;
  r.get("/models", (_req, res) => {
    res.json(Object.keys(folders));
  });
  r.get("/models/:folder", (req, res) => {
    const kind = Object.hasOwn(folders, req.params.folder) ? folders[req.params.folder as keyof typeof folders] : undefined;
    if (!kind) return void res.status(404).json({ error: { type: "not_found", message: `no model folder "${req.params.folder}" (have: ${Object.keys(folders).join(", ")})` } });
    res.json(packChoices(ctx.services.modelRoots, kind));
  });
  r.get("/features", (_req, res) => {
    res.json(serverFeatures(ctx.maxUploadBytes));
  });
  r.get("/embeddings", (_req, res) => {
    res.json([]);
  });
  // ComfyUI's browser-side JS extensions: packs here add nodes only, never editor code.
  r.get("/extensions", (_req, res) => {
    res.json([]);
  });
  // Ours: every custom node pack found at start-up, loaded or skipped with its error.
  r.get("/custom_nodes", (_req, res) => {
    res.json(ctx.customNodes);
  });
  return r;
}

export function serverFeatures(maxUploadBytes: number): Record<string, unknown> {
  return { supports_preview_metadata: true, max_upload_size: maxUploadBytes, preview_layout: "contact_sheet" };
}
