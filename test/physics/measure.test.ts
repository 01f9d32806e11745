import { describe, expect, it } from "vitest";
import { makeClip, renderScene } from "../../nodes/physics/clip.ts";
import { resolveScene } from "../../nodes/physics/describe.ts";
import { measureClip } from "../../nodes/physics/measure.ts";
import { sampleDescription } from "../../nodes/physics/sample.ts";

describe("the eval's measuring instrument", () => {
  it("scores ground-truth renders near perfectly", async () => {
    let color = 0, background = 0, direction = 0, traj = 0;
    const n = 40;
    for (let i = 0; i < n; i++) {
      const clip = await makeClip(sampleDescription(500 + i, "heldout"), 500 + i);
      const m = measureClip(clip.render, clip.scene, clip.trace);
      color += +m.color_ok; background += +m.background_ok; direction += +m.direction_ok; traj += m.trajectory_err_px;
    }
    expect(color / n).toBeGreaterThanOrEqual(0.95);
    expect(background / n).toBe(1);
    expect(direction / n).toBeGreaterThanOrEqual(0.95);
    expect(traj / n).toBeLessThan(2);
  });

  it("sees black objects on the night sky (grey on blue: under the colour threshold, never background)", async () => {
    for (const shape of ["triangle", "ball", "box"] as const) {
      for (const motion of ["falls", "thrown_left"] as const) {
        const d = { shape, color: "black", size: "small", material: "normal", count: 1, motion, background: "night", walls: false } as const;
        const clip = await makeClip(d, 7);
        const m = measureClip(clip.render, clip.scene, clip.trace);
        expect(m.permanence_ok, `${shape} ${motion}`).toBe(true);
        expect(m.trajectory_err_px, `${shape} ${motion}`).toBeLessThan(1.5);
      }
    }
  });

  it("counts an object thrown above the top of the frame as out of view, not as lost (low gravity)", async () => {
    for (const shape of ["triangle", "ball", "box"] as const) {
      const scene = resolveScene({ shape, color: "green", size: "large", material: "normal", count: 1, motion: "thrown_up", background: "grass", walls: false }, 11);
      const clip = await renderScene({ ...scene, world: { ...scene.world, gravity: 1.62 } });
      const above = clip.trace.poses.filter((f) => f[0]!.y + scene.objects[0]!.halfExtent > scene.world.height).length;
      expect(above, `${shape} leaves the top`).toBeGreaterThan(0);
      const m = measureClip(clip.render, clip.scene, clip.trace);
      expect(m.permanence_ok, shape).toBe(true);
      expect(m.trajectory_err_px, shape).toBeLessThan(1.5);
    }
  });

  it("fails a clip whose object is gone or in the wrong colour", async () => {
    const clip = await makeClip(sampleDescription(3, "train"), 3);
    const empty = await makeClip({ ...sampleDescription(3, "train"), color: clip.scene.objects[0]!.color === "red" ? "blue" : "red" }, 3);
    const m = measureClip(empty.render, clip.scene, clip.trace);
    expect(m.color_ok).toBe(false);
  });
});
