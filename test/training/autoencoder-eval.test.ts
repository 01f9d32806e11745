// `npm run eval -- --autoencoder` end to end on the shipped pack: each scene's row beside the summary.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import type { AutoencoderResult } from "../../training/eval/autoencoder.ts";
import { heldOutPrompts } from "../../training/eval/held-out.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "t2v-ae-eval-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it("writes per-prompt rows, true render beside reconstruction, that the summary is the mean of", () => {
  const json = join(tmp, "ae.json");
  const r = spawnSync(process.execPath, ["--import", "tsx", "training/eval.ts", "--autoencoder", "--skip", "5", "--limit", "3", "--json", json, "--out", tmp], { cwd: root, encoding: "utf8", timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toContain("worst ten through the autoencoder");
  expect(existsSync(join(tmp, "autoencoder.png"))).toBe(true);
  const out = JSON.parse(readFileSync(json, "utf8")) as AutoencoderResult;
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
