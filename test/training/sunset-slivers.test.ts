// The text-to-video template on held-out three-object scenes at sunset, as `npm run eval` makes and
// measures them. The pack's decoder decodes latents with noise on them in training (0.5 since pack
// 1.7.0), so it draws the denoiser's slightly-off latents without the small sun-coloured slivers at
// the sun's rim that the instrument counts as one object more. With 1.6.0's decoder (noise 0.3) both
// of these scenes counted four.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { heldOutPrompts } from "../../training/eval/held-out.ts";
import { runEval } from "./run-eval.ts";

const tmp = mkdtempSync(join(tmpdir(), "t2v-slivers-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Row = { prompt: string; predicted: { count: number } };

it("counts three, not four, where three crates collide at dusk and three spheres roll at sunset", () => {
  const skip = 264, limit = 7; // held-out prompts 264 and 270 are the first and the last
  const r = runEval<{ per_prompt: Row[] }>(["--skip", String(skip), "--limit", String(limit)], tmp, 300_000);
  const items = heldOutPrompts(limit, skip);
  for (const k of [0, limit - 1]) {
    const scene = items[k]!;
    expect(scene.scene.objects.length).toBe(3);
    expect(scene.scene.background).toBe("sunset");
    const row = r.json.per_prompt[k]!;
    expect(row.prompt).toBe(scene.prompt);
    expect(row.predicted.count, row.prompt).toBe(3);
  }
}, 320_000);
