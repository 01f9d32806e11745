// ComfyUI's job routes: /prompt, /queue, /history, /interrupt, /free; and our live patch route.
import { Router } from "express";
import { z } from "zod";
import { prepareSubmission } from "../queue/submit.ts";
import { HttpError, parseBody, parseQuery, type ServerContext } from "./common.ts";

const idList = z.array(z.string()).max(10_000);
const deleteOrClear = z.object({ delete: idList.optional(), clear: z.boolean().optional() });
const historyQuery = z.looseObject({
  max_items: z.coerce.number().int().min(0).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});
const interruptBody = z.object({ prompt_id: z.string().optional() });
const promptIdBody = z.object({ prompt_id: z.string().min(1) });
const freeBody = z.object({ unload_models: z.boolean().optional(), free_memory: z.boolean().optional() });
export const patchBody = z.object({ node: z.string().min(1).optional(), values: z.record(z.string(), z.number().finite()) });

export function queueRoutes(ctx: ServerContext): Router {
  const { store, runner } = ctx;
  const r = Router();
  const queueStatus = () => ({ exec_info: { queue_remaining: store.remaining() } });

  r.get("/prompt", (_req, res) => {
    res.json(queueStatus());
  });

  r.post("/prompt", async (req, res) => {
    const s = prepareSubmission(req.body, ctx.registry, store);
    if (!s.ok) {
      ctx.logger.info({ error: s.body.error.type }, "prompt refused");
      res.status(s.status).json(s.body);
      return;
    }
    await runner.add(s.spec);
    res.json({ prompt_id: s.spec.id, number: s.spec.number, node_errors: {} });
  });

  r.get("/queue", async (_req, res) => {
    const q = await runner.queue();
    res.json({ queue_running: q.running, queue_pending: q.pending });
  });

  // Ours: reorder and pause the queue (the editor's queue panel).
  r.post("/queue/front", async (req, res) => {
    const { prompt_id } = parseBody(promptIdBody, req);
    if (!(await runner.moveToFront(prompt_id))) throw new HttpError(404, `no pending job "${prompt_id}"`, "not_found");
    res.json({ prompt_id, moved: true });
  });
  r.post("/queue/pause", async (_req, res) => {
    await runner.setPaused(true);
    res.json({ paused: true });
  });
  r.post("/queue/resume", async (_req, res) => {
    await runner.setPaused(false);
    res.json({ paused: false });
  });

  r.post("/queue", async (req, res) => {
    const b = parseBody(deleteOrClear, req);
    const deleted = (b.clear ? await runner.clearPending() : 0) + (b.delete ? await runner.deletePending(b.delete) : 0);
    res.json({ deleted });
  });

  r.get("/history", (req, res) => {
    const q = parseQuery(historyQuery, req);
    res.json(store.history({ maxItems: q.max_items, offset: q.offset }));
  });

  r.get("/history/:id", (req, res) => {
    const entry = store.historyItem(req.params.id);
    res.json(entry ? { [req.params.id]: entry } : {});
  });

  r.post("/history", (req, res) => {
    const b = parseBody(deleteOrClear, req);
    const deleted = (b.clear ? store.clearHistory() : 0) + (b.delete ? store.deleteHistory(b.delete) : 0);
    res.json({ deleted });
  });

  // Interrupts the running job (only if it is the one named, when a prompt_id is given; without one,
  // every running job: with several workers there can be more than one).
  r.post("/interrupt", (req, res) => {
    const b = parseBody(interruptBody, req);
    const hit = runner.interrupt(b.prompt_id);
    res.json({ interrupted: hit[0] ?? null, ...(hit.length > 1 ? { all: hit } : {}) });
  });

  r.post("/free", async (req, res) => {
    const b = parseBody(freeBody, req);
    // Cached outputs hold opened packs (MODEL values), so unloading clears the cache as well.
    if (b.unload_models || b.free_memory) ctx.engine.clearCache();
    if (b.unload_models) await ctx.services.models.free();
    runner.free({ unloadModels: b.unload_models === true, freeMemory: b.free_memory === true });
    res.json({ unloaded_models: b.unload_models === true, cleared_cache: b.unload_models === true || b.free_memory === true });
  });

  // Live patch of a running job (steps, cfg, guidance strength), applied at the next step boundary.
  r.post("/jobs/:id/patch", (req, res) => {
    const b = parseBody(patchBody, req);
    if (!runner.patch(req.params.id, b.node, b.values)) {
      const known = store.has(req.params.id);
      throw new HttpError(known ? 409 : 404, known ? `job ${req.params.id} is not running` : `no job ${req.params.id}`, known ? "not_running" : "not_found");
    }
    res.json({ prompt_id: req.params.id, accepted: true, node: b.node ?? null, values: b.values });
  });

  return r;
}
