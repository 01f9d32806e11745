// Live patches to a running job: kept per job, read by nodes at their step boundaries.
import type { AppliedPatch, LiveChannel, LivePatch } from "../node/definition.ts";

export interface JobLive {
  add(nodeId: string | undefined, values: Record<string, number>): void;
  /** The channel one node reads; `onApplied` hears each patch it applies. */
  channel(nodeId: string, onApplied: (p: AppliedPatch) => void): LiveChannel;
  applied(): AppliedPatch[];
}

export function createJobLive(now: () => number = Date.now): JobLive {
  const received: LivePatch[] = [];
  const applied: AppliedPatch[] = [];
  return {
    add(nodeId, values) {
      received.push({ nodeId, values: { ...values }, time: now() });
    },
    channel(nodeId, onApplied) {
      let seen = 0;
      const mine: AppliedPatch[] = [];
      let merged: Readonly<Record<string, number>> = Object.freeze({});
      return {
        get(step) {
          if (seen === received.length) return merged;
          const next = { ...merged };
          let changed = false;
          for (; seen < received.length; seen++) {
            const p = received[seen];
            if (p.nodeId !== undefined && p.nodeId !== nodeId) continue;
            Object.assign(next, p.values);
            changed = true;
            const a: AppliedPatch = { ...p, appliedBy: nodeId, ...(step === undefined ? {} : { atStep: step }) };
            mine.push(a);
            applied.push(a);
            onApplied(a);
          }
          if (changed) merged = Object.freeze(next);
          return merged;
        },
        applied: () => mine,
      };
    },
    applied: () => applied,
  };
}
