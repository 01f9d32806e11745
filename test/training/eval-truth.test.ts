// The text and physics evals measure each scene's true render beside the generated clips: the
// instrument's ceiling, so a miss the truth shares is told apart from the model's own.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderScene } from "../../nodes/physics/clip.ts";
import { measureClip } from "../../nodes/physics/measure.ts";
import { applyOverrides, GRAVITY_PRESETS } from "../../nodes/physics-nodes/physics-scene.ts";
import { heldOutPrompts } from "../../training/eval/held-out.ts";
import { misses, type Summary } from "../../training/eval/report.ts";
import { runEval } from "./run-eval.ts";

const tmp = mkdtempSync(join(tmpdir(), "t2v-eval-truth-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The true renders measured here, independently of the eval. */
async function truthOf(n: number, skip: number, gravity?: number) {
  const out = [];
  for (const it of heldOutPrompts(n, skip)) {
    const scene = gravity === undefined ? it.scene : applyOverrides(it.scene, { gravity, restitution_scale: 1, friction_scale: 1, speed_scale: 1 });
    const clip = await renderScene(scene);
    out.push(measureClip(clip.render, clip.scene, clip.trace));
  }
  return out;
}
const meanTrajectory = (ms: { trajectory_err_px: number }[]) => ms.reduce((a, m) => a + m.trajectory_err_px, 0) / ms.length;

type Row = { prompt: string; truth_wrong: string[] };

describe("the evals' true-render ceiling", () => {
  it("text eval: a true-render summary, its count by objects and each prompt's truth misses", async () => {
    const dir = mkdtempSync(join(tmp, "text-"));
    const r = runEval<Summary & { truth: Summary & { count_by_objects: { of: number }[] }; per_prompt: Row[] }>(["--limit", "3", "--skip", "2"], dir, 180_000);
    expect(r.stdout).toContain("true renders");
    const truth = await truthOf(3, 2);
    expect(r.json.truth.prompts).toBe(3);
    expect(r.json.truth.trajectory_err_px).toBeCloseTo(meanTrajectory(truth), 9);
    expect(r.json.truth.count_by_objects.reduce((a, g) => a + g.of, 0)).toBe(3);
    expect(r.json.per_prompt.map((p) => p.truth_wrong)).toEqual(truth.map(misses));
    // The generated clips are not the truth.
    expect(r.json.trajectory_err_px).not.toBeCloseTo(r.json.truth.trajectory_err_px, 3);
  });

  it("physics eval: the true renders under Earth's and the Moon's gravity", async () => {
    const dir = mkdtempSync(join(tmp, "physics-"));
    type Out = { truth: Summary; guided: Summary; gravity_override: { prompts: number; truth: Summary; guided: Summary }; per_prompt: (Row & { moon?: { truth_wrong: string[] } })[] };
    const r = runEval<Out>(["--physics", "--limit", "1"], dir, 180_000);
    expect(r.stdout).toContain("moon, true renders");
    const [earth] = await truthOf(1, 0), [moon] = await truthOf(1, 0, GRAVITY_PRESETS.moon);
    expect(r.json.truth.trajectory_err_px).toBeCloseTo(earth!.trajectory_err_px, 9);
    expect(r.json.gravity_override.prompts).toBe(1);
    expect(r.json.gravity_override.truth.trajectory_err_px).toBeCloseTo(moon!.trajectory_err_px, 9);
    expect(r.json.gravity_override.truth.accel_err_rel).toBeCloseTo(moon!.accel_err_rel!, 9);
    expect(r.json.per_prompt[0]!.truth_wrong).toEqual(misses(earth!));
    expect(r.json.per_prompt[0]!.moon?.truth_wrong).toEqual(misses(moon!));
  });

  it("physics eval: a prompt with no single free flight (nothing to plot), and guidance settings from the command line", () => {
    const dir = mkdtempSync(join(tmp, "physics-collide-"));
    // Held-out prompt 124: two objects falling, so no trajectory panel and no Moon run.
    const r = runEval<{ guidance: Record<string, unknown>; per_prompt: { moon?: unknown }[]; gravity_override: { prompts: number } }>(["--physics", "--skip", "123", "--limit", "1", "--emphasis", "0"], dir, 180_000);
    expect(r.stdout).toContain("no single free flight to plot");
    expect(r.json.guidance).toMatchObject({ method: "both", hold: 0.3, emphasis: 0 });
    expect(r.json.per_prompt).toHaveLength(1);
    expect(r.json.per_prompt[0]!.moon).toBeUndefined();
    expect(r.json.gravity_override.prompts).toBe(0);
  });
});
