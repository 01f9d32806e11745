// Figures 3 (time to first preview) and 6 (throughput and peak RSS), through the real server:
// POST /prompt and a WebSocket client in this process, the full default workflow.
import type { Workflow } from "../core/engine/index.ts";
import { jobTrace, type BenchClient } from "./client.ts";
import type { Progress } from "./progress.ts";
import { percentile, summarize, type Summary } from "./stats.ts";
import { IDS, withParams } from "./studio.ts";

export interface PreviewFigures {
  /** POST /prompt → first binary preview frame. */
  firstPreviewMs: Summary;
  /** Gaps between consecutive preview frames of one job. */
  previewIntervalMs: Summary;
  /** Gaps between the sampler's progress messages: one per step. */
  stepIntervalMs: Summary;
  /** Previews received per sampler step (the encoder drops previews to stay under a quarter core). */
  previewsPerStep: number;
  /** POST → job end, through the server. */
  clipMs: Summary;
}

/** `serverWarm`: the server has run a job already (its sessions are open), so no warm-up run is needed. */
export async function measurePreviews(client: BenchClient, wf: Workflow, o: { runs: number; serverWarm: boolean; progress: Progress }): Promise<PreviewFigures> {
  const first: number[] = [], gaps: number[] = [], stepGaps: number[] = [], clip: number[] = [];
  let previews = 0, steps = 0;
  for (let i = o.serverWarm ? 0 : -1; i < o.runs; i++) {
    await client.free();
    const job = await client.submit(wf);
    const end = await job.done;
    if (i < 0) continue; // warm-up: the server's sessions open here
    const trace = jobTrace(client, job, end);
    const frames = trace.filter((r) => r.preview).map((r) => r.at);
    const progress = trace.filter((r) => r.message?.type === "progress" && r.message.data.node === IDS.sampler).map((r) => r.at);
    if (frames.length === 0) throw new Error("no preview frame arrived: is the sampler calling ctx.preview?");
    first.push(frames[0]! - job.postedAt);
    for (let k = 1; k < frames.length; k++) gaps.push(frames[k]! - frames[k - 1]!);
    for (let k = 1; k < progress.length; k++) stepGaps.push(progress[k]! - progress[k - 1]!);
    previews += frames.length;
    steps += progress.length;
    clip.push(end - job.postedAt);
    o.progress.step(`run ${i + 1}/${o.runs}: first preview ${(frames[0]! - job.postedAt).toFixed(0)} ms, ${frames.length} previews over ${progress.length} steps`);
  }
  return {
    firstPreviewMs: summarize(first),
    previewIntervalMs: summarize(gaps.length ? gaps : [NaN]),
    stepIntervalMs: summarize(stepGaps.length ? stepGaps : [NaN]),
    previewsPerStep: steps ? previews / steps : 0,
    clipMs: summarize(clip),
  };
}

export interface ThroughputFigures {
  jobs: number;
  wallMs: number;
  clipsPerMinute: number;
  /** Peak resident set size of this process (which hosts the server) so far. */
  peakRssMb: number;
  /** Highest RSS sampled while the queue ran. */
  queueRssMb: number;
  jobMs: { p50: number; max: number };
}

/**
 * N jobs queued at once, each with another latent seed (a user queueing variations): the text
 * encodes are cached after the first job, the sampler, decoder, upscale and writer run every time.
 */
export async function measureThroughput(client: BenchClient, wf: Workflow, o: { jobs: number; progress: Progress }): Promise<ThroughputFigures> {
  await client.free();
  let rssMax = process.memoryUsage().rss;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 50);
  try {
    const t0 = performance.now();
    const jobs = [];
    for (let i = 0; i < o.jobs; i++) jobs.push(await client.submit(withParams(wf, IDS.latent, { seed: 1000 + i })));
    const ends: number[] = [];
    for (const [i, j] of jobs.entries()) {
      ends.push(await j.done);
      o.progress.step(`job ${i + 1}/${o.jobs} done at ${((ends.at(-1)! - t0) / 1000).toFixed(1)} s`);
    }
    const wallMs = Math.max(...ends) - t0;
    const per = ends.map((e, i) => e - (i === 0 ? t0 : ends[i - 1]!));
    return {
      jobs: o.jobs,
      wallMs,
      clipsPerMinute: o.jobs / (wallMs / 60_000),
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      queueRssMb: rssMax / 1024 ** 2,
      jobMs: { p50: percentile(per, 50), max: Math.max(...per) },
    };
  } finally {
    clearInterval(sampler);
  }
}
