// The upscaler eval's measures on images whose answer is known, and `npm run eval -- --upscale` end to end on one clip.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ClipMetrics } from "../../nodes/physics/measure.ts";
import { createRng } from "../../nodes/physics/rng.ts";
import { EdgeProfiles, median, rise } from "../../training/eval/edge-width.ts";
import { areaDown, flicker, psnrDb, sse, ssim, staticPixels } from "../../training/eval/image-metrics.ts";
import { instrumentCheck } from "../../training/eval/upscale-report.ts";
import { runEval } from "./run-eval.ts";

const tmp = mkdtempSync(join(tmpdir(), "t2v-upscale-eval-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A clip of `frames` copies of a disc (radius r) on a flat background, with its anti-aliased coverage. */
function disc(size: number, r: number, frames = 1): { rgb: Uint8Array; mask: Uint8Array } {
  const rgb = new Uint8Array(frames * size * size * 3), mask = new Uint8Array(frames * size * size);
  const bg = [30, 40, 70], fg = [220, 70, 40];
  for (let f = 0; f < frames; f++) for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    const cover = Math.min(1, Math.max(0, 0.5 - (Math.hypot(x + 0.5 - size / 2, y + 0.5 - size / 2) - r)));
    const i = f * size * size + y * size + x;
    mask[i] = Math.round(cover * 255);
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.round(bg[c]! * (1 - cover) + fg[c]! * cover);
  }
  return { rgb, mask };
}

/** Box blur of radius k, `passes` times (close to a Gaussian), per channel, edges clamped. */
function blur(rgb: Uint8Array, size: number, k: number, passes: number): Uint8Array {
  let a = Float64Array.from(rgb);
  for (let p = 0; p < passes; p++) for (const horizontal of [true, false]) {
    const b = new Float64Array(a.length);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let d = -k; d <= k; d++) {
        const xx = horizontal ? Math.min(size - 1, Math.max(0, x + d)) : x, yy = horizontal ? y : Math.min(size - 1, Math.max(0, y + d));
        s += a[(yy * size + xx) * 3 + c]!;
      }
      b[(y * size + x) * 3 + c] = s / (2 * k + 1);
    }
    a = b;
  }
  return Uint8Array.from(a, (v) => Math.round(v));
}

function noisy(rgb: Uint8Array, amp: number, seed = 1): Uint8Array {
  const rng = createRng(seed);
  return Uint8Array.from(rgb, (v) => Math.max(0, Math.min(255, Math.round(v + (rng.next() * 2 - 1) * amp))));
}

describe("the upscaler eval's measures", () => {
  const S = 96;
  const { rgb, mask } = disc(S, 24, 2);

  it("PSNR is infinite for identical clips and falls as noise grows", () => {
    expect(psnrDb(sse(rgb, rgb), rgb.length)).toBe(Infinity);
    const p4 = psnrDb(sse(noisy(rgb, 4), rgb), rgb.length), p32 = psnrDb(sse(noisy(rgb, 32), rgb), rgb.length);
    expect(p4).toBeGreaterThan(35);
    expect(p32).toBeLessThan(p4 - 10);
    // uniform noise of ±a has variance a²/3: 255² / (32²/3) → 22.8 dB
    expect(p32).toBeCloseTo(22.8, 0);
  });

  it("SSIM is 1 for identical clips and falls with noise and with blur", () => {
    expect(ssim(rgb, rgb, S, S, 2)).toBeCloseTo(1, 10);
    const n8 = ssim(noisy(rgb, 8), rgb, S, S, 2), n48 = ssim(noisy(rgb, 48), rgb, S, S, 2);
    expect(n8).toBeLessThan(0.99);
    expect(n48).toBeLessThan(n8);
    const one = rgb.subarray(0, S * S * 3);
    expect(ssim(blur(one, S, 2, 3), one, S, S, 1)).toBeLessThan(0.99);
  });

  it("rise measures the 10–90% width of a linear ramp", () => {
    const s = Array.from({ length: 41 }, (_, k) => -10 + k * 0.5);
    const ramp = s.map((x) => Math.min(1, Math.max(0, (x + 2) / 4)));
    expect(rise(ramp, s)).toBeCloseTo(3.2, 6);
    expect(rise(s.map(() => 0.3), s)).toBeNaN();
  });

  it("edge width is small on a hard step and grows when the step is blurred", () => {
    const prof = new EdgeProfiles(mask, rgb, S, S, 2, { frames: [0, 1], perFrame: 64 });
    expect(prof.profiles.length).toBeGreaterThan(40);
    const hard = median(prof.widths(rgb))!;
    expect(hard).toBeGreaterThan(0.5);
    expect(hard).toBeLessThan(2.2);
    const soft = blur(rgb.subarray(0, S * S * 3), S, 2, 3);
    const blurred = median(prof.widths(Uint8Array.from([...soft, ...soft])))!;
    expect(blurred).toBeGreaterThan(2 * hard);
    // A flat clip has no rise at all: every profile is dropped rather than scored.
    expect(prof.widths(new Uint8Array(rgb.length).fill(90))).toEqual([]);
  });

  it("flicker is 0 on a still clip and counts only pixels that are still in the truth", () => {
    const still = staticPixels(rgb, S, S, 2);
    expect(still.every((v) => v === 1)).toBe(true);
    expect(flicker(rgb, still, S, S, 2)).toEqual({ sum: 0, count: S * S });
    const f = flicker(noisy(rgb, 16), still, S, S, 2);
    expect(f.sum / f.count).toBeGreaterThan(3);
    const moved = Uint8Array.from(rgb);
    moved.fill(0, S * S * 3, S * S * 3 + 30);
    expect(staticPixels(moved, S, S, 2).reduce((a, b) => a + b, 0)).toBe(S * S - 10);
  });

  it("area downsampling undoes a nearest-neighbour 4× enlargement", () => {
    const small = noisy(new Uint8Array(2 * 8 * 8 * 3).fill(128), 100);
    const big = new Uint8Array(2 * 32 * 32 * 3);
    for (let f = 0; f < 2; f++) for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) for (let c = 0; c < 3; c++) {
      big[((f * 32 + y) * 32 + x) * 3 + c] = small[((f * 8 + (y >> 2)) * 8 + (x >> 2)) * 3 + c]!;
    }
    expect(areaDown(big, 32, 32, 2, 4)).toEqual(small);
  });

  it("the instrument check fails when the upscaled clips measure worse", () => {
    const m = (ok: boolean, err: number) => ({ color_ok: ok, count_ok: ok, direction_ok: true, background_ok: true, permanence_ok: true, trajectory_err_px: err, penetration_px: 0 }) as ClipMetrics;
    const same = instrumentCheck({ small: [m(true, 1)], model: [m(true, 1)], lanczos: [m(true, 1)], truth: [m(true, 1)] }, ["sky"]);
    expect(same.ok && same.ok_against_truth).toBe(true);
    const good = [m(true, 1), m(true, 1)], bad = [m(true, 1), m(false, 3)];
    const worse = instrumentCheck({ small: good, model: bad, lanczos: good, truth: bad }, ["sky", "beach"]);
    expect(worse.ok).toBe(false);
    expect(worse.no_lower.count_acc).toEqual({ ref: 1, model: 0.5, ok: false });
    expect(worse.no_lower.trajectory_err_px!.ok).toBe(false);
    // No worse than the true render brought down to the same size.
    expect(worse.ok_against_truth).toBe(true);
    expect(worse.count_by_background["model ↓64"]).toEqual([{ group: "beach", right: 0, of: 1, acc: 0 }, { group: "sky", right: 1, of: 1, acc: 1 }]);
  });
});

describe("npm run eval -- --upscale", () => {
  it("scores one held-out clip end to end and writes the JSON and contact sheet", () => {
    const r = runEval(["--upscale", "--limit", "1", "--steps", "4"], tmp, 280_000);
    expect(r.stdout).toContain("| input | method | PSNR dB |");
    expect(existsSync(join(tmp, "upscale.png"))).toBe(true);
    const out = r.json;
    expect(out.scenes).toBe(1);
    expect(out.size).toEqual({ input: [64, 64], output: [256, 256] });
    for (const input of ["reconstructed", "generated"]) {
      for (const m of ["model", "lanczos"]) {
        const s = out.inputs[input][m];
        expect(s.psnr_db).toBeGreaterThan(10);
        expect(s.ssim).toBeGreaterThan(0);
        expect(s.ssim).toBeLessThan(1);
        expect(s.ms_per_clip).toBeGreaterThan(0);
      }
    }
    // On the input it was trained for, the model must beat Lanczos.
    expect(out.inputs.reconstructed.model.psnr_db).toBeGreaterThan(out.inputs.reconstructed.lanczos.psnr_db);
    expect(Object.keys(out.instrument.columns)).toEqual(["64×64", "model ↓64", "lanczos ↓64", "truth ↓64"]);
    expect(out.per_clip).toHaveLength(1);
  }, 300_000);
});
