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

it("with --emphasis, encodes the scenes as Physics Guidance's blend target does: held-out prompt 124's tiny black wedges come back", () => {
  const plain = runEval<AutoencoderResult>(["--autoencoder", "--skip", "123", "--limit", "1"], mkdtempSync(join(tmp, "plain-")), 120_000).json;
  const emphasised = runEval<AutoencoderResult>(["--autoencoder", "--skip", "123", "--limit", "1", "--emphasis", "1"], mkdtempSync(join(tmp, "emphasis-")), 120_000).json;
  expect([plain.emphasis, emphasised.emphasis]).toEqual([0, 1]);
  // The same true render; through the plain encoding neither wedge is found, emphasised both are.
  expect(emphasised.truth).toEqual(plain.truth);
  expect(plain.per_prompt[0]!.reconstructed.predicted.count).toBe(0);
  expect(emphasised.per_prompt[0]!.reconstructed.predicted.count).toBe(2);
  expect(emphasised.reconstructed.trajectory_err_px).toBeLessThan(plain.reconstructed.trajectory_err_px / 4);
});
