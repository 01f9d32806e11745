import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { paintBackground } from "../../nodes/physics/background.ts";
import { makeClip } from "../../nodes/physics/clip.ts";
import { resolveScene } from "../../nodes/physics/describe.ts";
import { parsePrompt } from "../../nodes/physics/parse.ts";
import { isHeldOut, sampleDescription } from "../../nodes/physics/sample.ts";
import { simulate } from "../../nodes/physics/simulate.ts";

const hash = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("simulation and rendering", () => {
  it("same description and seed give the same clip, byte for byte", async () => {
    const d = parsePrompt("three bouncy red balls fall and bounce on the ground at sunset").description;
    const a = await makeClip(d, 7);
    const b = await makeClip(d, 7);
    expect(hash(a.render.rgb)).toBe(hash(b.render.rgb));
    expect(JSON.stringify(a.trace)).toBe(JSON.stringify(b.trace));
    const c = await makeClip(d, 8);
    expect(hash(c.render.rgb)).not.toBe(hash(a.render.rgb));
  });

  it("a dropped ball accelerates at g until it hits the ground, then bounces", async () => {
    const scene = resolveScene(parsePrompt("a bouncy red ball falls").description, 3);
    const trace = await simulate(scene, { frames: 16, fps: 8 });
    const ys = trace.poses.map((f) => f[0]!.y);
    const dt = 1 / 8;
    const a = (ys[0]! - 2 * ys[1]! + ys[2]!) / (dt * dt);
    expect(a).toBeCloseTo(-9.81, 0);
    const lowest = Math.min(...ys);
    expect(lowest).toBeGreaterThan(scene.world.groundY + scene.objects[0]!.halfExtent - 0.1);
    expect(trace.contacts.some((c) => c.b === -1)).toBe(true);
    expect(ys[15]!).toBeGreaterThan(lowest + 0.2); // it came back up
  });

  it("moon gravity makes the same fall slower", async () => {
    const scene = resolveScene(parsePrompt("a red ball falls").description, 3);
    const moon = { ...scene, world: { ...scene.world, gravity: 1.62 } };
    const [e, m] = await Promise.all([simulate(scene, { frames: 6, fps: 8 }), simulate(moon, { frames: 6, fps: 8 })]);
    const drop = (t: typeof e) => t.poses[0]![0]!.y - t.poses[5]![0]!.y;
    expect(drop(m) / drop(e)).toBeCloseTo(1.62 / 9.81, 2);
  });

  it("draws the object in its colour where the simulation puts it", async () => {
    const clip = await makeClip(parsePrompt("a large blue ball falls in the middle").description, 1);
    const { rgb, width: w } = clip.render;
    const p = clip.trace.poses[0]![0]!;
    const x = Math.round(p.x * 8), y = Math.round((8 - p.y) * 8);
    const i = (y * w + x) * 3;
    expect(rgb[i + 2]!).toBeGreaterThan(rgb[i]! + 80); // blue dominates at the centre
  });

  it("every background rendered 4× larger area-averages back to the 64×64 one (bands and stars on one grid)", () => {
    for (const bg of ["sky", "night", "sunset", "beach", "grass"] as const) {
      const small = paintBackground(bg, 64, 64, 56), big = paintBackground(bg, 256, 256, 224);
      let worst = 0;
      for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) for (let k = 0; k < 3; k++) {
        let sum = 0;
        for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) sum += big[((y * 4 + dy) * 256 + x * 4 + dx) * 3 + k]!;
        worst = Math.max(worst, Math.abs(sum / 16 - small[(y * 64 + x) * 3 + k]!));
      }
      // Smooth gradients sampled at other pixel centres differ by a few levels; a band or star row out of step differs by 70+.
      expect(worst, bg).toBeLessThan(4);
    }
  });

  it("held-out combinations never appear in training draws", () => {
    for (let i = 0; i < 2000; i++) expect(isHeldOut(sampleDescription(i, "train"))).toBe(false);
    for (let i = 0; i < 200; i++) expect(isHeldOut(sampleDescription(i, "heldout"))).toBe(true);
  });
});
