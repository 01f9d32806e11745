// `npm run eval -- --autoencoder` end to end on the shipped pack: each scene's row beside the summary.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import type { AutoencoderResult } from "../../training/eval/autoencoder.ts";
import { heldOutPrompts } from "../../training/eval/held-out.ts";
import { runEval } from "./run-eval.ts";

const tmp = mkdtempSync(join(tmpdir(), "t2v-ae-eval-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it("writes per-prompt rows, true render beside reconstruction, that the summary is the mean of", () => {
  const r = runEval<AutoencoderResult>(["--autoencoder", "--skip", "5", "--limit", "3"], tmp, 120_000);
  expect(r.stdout).toContain("worst ten through the autoencoder");
  expect(existsSync(join(tmp, "autoencoder.png"))).toBe(true);
  const out = r.json;
  const expected = heldOutPrompts(3, 5);
  expect(out.per_prompt.map((p) => [p.prompt, p.seed])).toEqual(expected.map((it) => [it.prompt, it.seed]));
  for (const side of ["truth", "reconstructed"] as const) {
    const rows = out.per_prompt.map((p) => p[side]);
    expect(rows.every((m) => m.track === undefined && m.detected_frames > 0)).toBe(true);
    const mean = rows.reduce((s, m) => s + m.trajectory_err_px, 0) / rows.length;
    expect(out[side].trajectory_err_px).toBeCloseTo(mean, 9);
    expect(out[side].prompts).toBe(3);
  }
  // The true renders are the simulation itself: their track is within a couple of pixels of it.
  expect(out.truth.trajectory_err_px).toBeLessThan(2);
});
