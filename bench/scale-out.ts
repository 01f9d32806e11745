// Figure 10: the Redis queue against the embedded one. A real redis-server and `t2v worker`
// processes; the servers run in this process. Clips per minute through each path, and the time of
// one job (POST → executing null) through each, alternating, after two warm-up jobs on each.
import { createApp, type App } from "../server/app.ts";
import type { Workflow } from "../core/engine/index.ts";
import { startRedis, startWorker, stopAll } from "../test/server/farm.ts";
import { connectClient, type BenchClient } from "./client.ts";
import type { Progress } from "./progress.ts";
import { summarize, type Summary } from "./stats.ts";
import { IDS, withParams, type Scratch } from "./studio.ts";

export interface ScaleOutFigures {
  jobs: number;
  clipsPerMinute: { embedded: number; redis1: number; redis2: number };
  /** One job at a time, POST → end, warm, alternating between the two paths. */
  oneJobMs: { embedded: Summary; redis: Summary };
  /** Median over the alternating pairs of (Redis job / embedded job) − 1: drift cancels within a pair. */
  overhead: number;
  cores: number;
}

let seed = 5000;
const job = (wf: Workflow) => withParams(wf, IDS.latent, { seed: seed++ });

async function oneJob(c: BenchClient, wf: Workflow): Promise<number> {
  const j = await c.submit(job(wf));
  return (await j.done) - j.postedAt;
}

async function clipsPerMinute(c: BenchClient, wf: Workflow, jobs: number): Promise<number> {
  const t0 = performance.now();
  const queued = [];
  for (let i = 0; i < jobs; i++) queued.push(await c.submit(job(wf)));
  const ends = await Promise.all(queued.map((q) => q.done));
  return jobs / ((Math.max(...ends) - t0) / 60_000);
}

export async function measureScaleOut(scratch: Scratch, wf: Workflow, o: { jobs: number; runs: number; cores: number; progress: Progress }): Promise<ScaleOutFigures> {
  const apps: App[] = [];
  const clients: BenchClient[] = [];
  try {
    const redis = await startRedis(scratch.folder("scale-redis"));
    const start = async (name: string, queue?: string) => {
      const app = await createApp({ port: 0, dataDir: scratch.folder(`data-${name}`), services: scratch.services(), editorDir: scratch.folder("no-editor"), ...(queue ? { queue } : {}) });
      apps.push(app);
      const c = await connectClient(app.url, `bench-${name}`);
      clients.push(c);
      return c;
    };
    const embedded = await start("embedded");
    const queued = await start("redis", redis.url);
    await startWorker(scratch.folder("worker-1"), redis.url);
    o.progress.step("redis-server, a server on it and 1 worker started; warming up both paths");
    for (let i = 0; i < 2; i++) {
      await oneJob(embedded, wf);
      await oneJob(queued, wf);
    }

    const e: number[] = [], r: number[] = [];
    for (let i = 0; i < o.runs; i++) {
      // Which path goes first alternates too, so neither always follows the other.
      if (i % 2 === 0) e.push(await oneJob(embedded, wf));
      r.push(await oneJob(queued, wf));
      if (i % 2 === 1) e.push(await oneJob(embedded, wf));
      o.progress.step(`one job ${i + 1}/${o.runs}: embedded ${(e.at(-1)! / 1000).toFixed(2)} s, Redis ${(r.at(-1)! / 1000).toFixed(2)} s`);
    }
    const cpmEmbedded = await clipsPerMinute(embedded, wf, o.jobs);
    o.progress.step(`embedded queue: ${cpmEmbedded.toFixed(1)} clips/minute`);
    const cpm1 = await clipsPerMinute(queued, wf, o.jobs);
    o.progress.step(`Redis, 1 worker: ${cpm1.toFixed(1)} clips/minute`);
    await startWorker(scratch.folder("worker-2"), redis.url);
    await clipsPerMinute(queued, wf, 2); // both workers warm
    const cpm2 = await clipsPerMinute(queued, wf, o.jobs);
    o.progress.step(`Redis, 2 workers: ${cpm2.toFixed(1)} clips/minute`);
    const oneJobMs = { embedded: summarize(e), redis: summarize(r) };
    const overhead = summarize(r.map((x, i) => x / e[i]!)).median - 1;
    return { jobs: o.jobs, clipsPerMinute: { embedded: cpmEmbedded, redis1: cpm1, redis2: cpm2 }, oneJobMs, overhead, cores: o.cores };
  } finally {
    for (const c of clients) c.close();
    for (const a of apps) await a.close().catch(() => {});
    await stopAll();
  }
}
