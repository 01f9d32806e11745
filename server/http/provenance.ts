// POST /api/provenance: the workflow inside a dropped file, so the editor can restore it.
// A workflow JSON (ours or ComfyUI API format) is read here; a generated video or image is read
// by the video writer's readProvenance(file); a file ComfyUI or VideoHelperSuite wrote, by
// readComfyMetadata(file).
import { mkdir, rm, writeFile } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import path from "node:path";
import express, { Router, type Request } from "express";
import { readWorkflow, WorkflowFormatError, type ImportResult, type Registry } from "../../core/engine/index.ts";
import { ComfyMetadataError, readComfyMetadata, type ComfyMetadata } from "../../nodes/video/comfy-metadata.ts";
import { HttpError, type ProvenanceReader, type ServerContext } from "./common.ts";
import { readForm } from "./files.ts";

async function fileBytes(req: Request): Promise<{ bytes: Buffer; name: string }> {
  if ((req.headers["content-type"] ?? "").startsWith("multipart/form-data")) {
    const form = await readForm(req);
    const file = form.get("file") ?? form.get("image");
    if (!(file instanceof File)) throw new HttpError(400, 'bad request body: file: expected a file field named "file"');
    return { bytes: Buffer.from(await file.arrayBuffer()), name: file.name };
  }
  if (!Buffer.isBuffer(req.body) || req.body.byteLength === 0) throw new HttpError(400, "bad request body: send the file as the body (or multipart field \"file\")");
  return { bytes: req.body, name: String(req.query.filename ?? "upload") };
}

/** ComfyUI's metadata in the upload; 422 when it is there but unreadable. */
async function comfyMetadata(file: string, name: string): Promise<ComfyMetadata | null> {
  try {
    return await readComfyMetadata(file);
  } catch (err) {
    if (!(err instanceof ComfyMetadataError)) throw err;
    throw new HttpError(422, `${name}: ${err.detail}`, "no_workflow");
  }
}

/** The UI-format workflow when we can read it, else the API-format prompt (both are in most files). */
function loadComfyWorkflow(meta: ComfyMetadata, registry: Registry, name: string): ImportResult {
  const entries = (["workflow", "prompt"] as const).filter((k) => meta[k] !== undefined);
  const problems: string[] = [];
  for (const key of entries) {
    try {
      return readWorkflow(meta[key], registry);
    } catch (err) {
      if (!(err instanceof WorkflowFormatError)) throw err;
      problems.push(`its ComfyUI ${key} cannot be read: ${err.issues.join("; ")}`);
    }
  }
  throw new HttpError(422, `${name}: ${problems.join("; ")}`, "no_workflow");
}

export function provenanceRoutes(ctx: ServerContext): Router {
  const r = Router();
  const raw = express.raw({ type: () => true, limit: ctx.maxUploadBytes });

  r.post("/provenance", raw, async (req, res) => {
    const { bytes, name } = await fileBytes(req);
    // A workflow document itself: ours (any version) or ComfyUI's API format.
    if (bytes[0] === 0x7b /* { */) {
      try {
        res.json({ source: "json", ...readWorkflow(JSON.parse(bytes.toString("utf8")), ctx.registry), provenance: null });
        return;
      } catch (err) {
        if (!(err instanceof SyntaxError || err instanceof WorkflowFormatError)) throw err;
        throw new HttpError(422, `${name} is JSON but not a workflow: ${err.message}`, "no_workflow");
      }
    }
    const dir = path.join(ctx.services.paths.temp, "provenance");
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${randomUUID()}${path.extname(name).replace(/[^\w.]/g, "").slice(0, 10)}`);
    await writeFile(file, bytes);
    try {
      let record: Awaited<ReturnType<ProvenanceReader>>;
      let unreadable: string | undefined;
      try {
        record = await ctx.readProvenance(file);
      } catch (err) {
        unreadable = err instanceof Error ? err.message : String(err);
      }
      if (record?.workflow) {
        res.json({ source: "provenance", ...readWorkflow(record.workflow, ctx.registry), provenance: record });
        return;
      }
      // Not one of ours: perhaps ComfyUI (or VideoHelperSuite) made it.
      const comfy = await comfyMetadata(file, name);
      if (comfy) {
        res.json({ source: "comfyui", ...loadComfyWorkflow(comfy, ctx.registry, name), provenance: null });
        return;
      }
      throw new HttpError(422, unreadable === undefined ? `${name} carries no workflow` : `${name}: ${unreadable}`, "no_workflow");
    } finally {
      await rm(file, { force: true });
    }
  });
  return r;
}
