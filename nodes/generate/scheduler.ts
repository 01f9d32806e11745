import { remainingSchedule, SCHEDULE_NAMES, SCHEDULES, scheduleSigmas } from "../sampling/index.ts";
import { MODEL, SIGMAS } from "../../core/node/sockets.ts";
import { defineNode, p } from "../../core/node/definition.ts";
import { packSampling } from "./pack-sampling.ts";
import "../model/values.ts";

export default defineNode({
  type: "t2v.Scheduler",
  version: 1,
  title: "Scheduler",
  category: "sampling/schedulers",
  description: "The noise levels the sampler walks down (SIGMAS), from the model's own time convention. shift > 1 spends more steps at high noise (rectified-flow models).",
  aliases: ["BasicScheduler"],
  inputs: { model: { type: MODEL } },
  params: {
    scheduler: p.choice(SCHEDULE_NAMES, { default: "simple" }),
    steps: p.int({ default: 20, min: 1, max: 200, live: { applies: "reschedule", via: "SIGMAS" } }),
    denoise: p.slider({ default: 1, min: 0, max: 1, step: 0.01, description: "Below 1 starts part-way down, for video-to-video" }),
    shift: p.float({ default: 1, min: 0.1, max: 20, step: 0.05, description: "Rectified-flow timestep shift" }),
  },
  outputs: { SIGMAS },
  run: (_ctx, { model, scheduler, steps, denoise, shift }) => {
    const ms = packSampling(model.pack.manifest, shift);
    const values = scheduleSigmas(scheduler, ms, steps, denoise);
    const recompute = (sigmaNow: number, remaining: number) => remainingSchedule((n) => SCHEDULES[scheduler](ms, n), sigmaNow, remaining);
    // The editor plots the curve in the model's own time (0–1 for flow), which reads better than VE sigma.
    const curve = values.map((s) => ms.timestep(s));
    return { outputs: { SIGMAS: { values, recompute } }, ui: { sigmas: [values], curve: [curve] } };
  },
});
