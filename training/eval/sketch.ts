// `npm run eval -- --sketch`: scenes drawn programmatically, as a teacher would on Sketch Scene:
// held-out combinations of shape, colour, size, material, count and background, at positions,
// sizes and velocities no prompt can name exactly. Each runs through the sketch-to-video template
// (Sketch Scene → Simulate → Guidance, Describe Scene → Text Encode → Sampler) and is measured
// against the sketch (frame 0) and against the simulation of the sketch (every frame).
import { Presets, SingleBar } from "cli-progress";
import { join } from "node:path";
import { blobs, measureClip, objectMask, type ClipMetrics } from "../../nodes/physics/measure.ts";
import { renderStatic } from "../../nodes/physics/render.ts";
import { createRng } from "../../nodes/physics/rng.ts";
import { clipSeed, sampleDescription } from "../../nodes/physics/sample.ts";
import { outsideRange, sketchToScene, type Sketch } from "../../nodes/physics/sketch.ts";
import type { SceneSpec } from "../../nodes/physics/scene.ts";
import { SIZES, WORLD, type SizeName } from "../../nodes/physics/vocabulary.ts";
import type { Engine } from "../../core/engine/index.ts";
import type { Frames } from "../../nodes/model/values.ts";
import { generate, loadTemplate, type Sampling } from "./graph.ts";
import { contactSheet, formatMedians, medians, misses, summarize, table, type SheetRow } from "./report.ts";

export interface DrawnSketch { sketch: Sketch; seed: number }

/**
 * Held-out sketch i: the held-out split's description i for what objects are, then positions
 * anywhere on the ground or in the air, sizes between the named ones and velocities in any
 * direction (≤ 4 m/s), objects not overlapping.
 */
export function drawSketch(i: number): DrawnSketch {
  const seed = clipSeed(1, i, "heldout");
  const d = sampleDescription(seed, "heldout");
  const rng = createRng(seed ^ 0x5ce7c4);
  const base = SIZES[d.size as SizeName];
  const size = Math.min(0.9, Math.max(0.45, base * rng.range(0.9, 1.1)));
  const objects: Sketch["objects"] = [];
  for (let k = 0; k < d.count; k++) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const x = rng.range(1 + size, WORLD.width - 1 - size);
      const onGround = rng.chance(0.5);
      const y = onGround ? WORLD.groundY + size : rng.range(WORLD.groundY + size + 0.8, 6.2);
      if (objects.some((o) => Math.hypot(o.x - x, o.y - y) < o.size + size + 0.3)) continue;
      const speed = rng.range(0, 4);
      const angle = onGround ? (rng.chance(0.5) ? 0 : Math.PI) : rng.range(-0.3, Math.PI + 0.3);
      objects.push({ shape: d.shape, color: d.color, material: d.material, x, y, size, vx: speed * Math.cos(angle), vy: onGround ? 0 : speed * Math.sin(angle) });
      break;
    }
  }
  return { seed, sketch: { version: 1, objects, ground: WORLD.groundY, walls: d.walls, background: d.background } };
}

/** Mean distance (px) from each sketched centre to the nearest unclaimed object found in frame 0; a missing object counts half the diagonal. */
export function startPositionError(frames: Frames, scene: SceneSpec): number {
  const { width: w, height: h } = frames;
  const s = w / scene.world.width;
  const frame0 = frames.rgb.subarray(0, w * h * 3);
  const found = blobs(objectMask(frame0, renderStatic(scene, w, h), w, h), frame0, w, h);
  const want = scene.objects.map((o) => ({ x: o.position.x * s, y: (scene.world.height - o.position.y) * s }));
  // Every assignment of found blobs to sketched objects (≤ 3 objects each): the best one.
  const miss = Math.hypot(w, h) / 2;
  const best = (k: number, used: Set<number>): number => {
    if (k === want.length) return 0;
    let b = miss + best(k + 1, used);
    found.forEach((f, j) => {
      if (used.has(j)) return;
      used.add(j);
      b = Math.min(b, Math.hypot(f.cx - want[k]!.x, f.cy - want[k]!.y) + best(k + 1, used));
      used.delete(j);
    });
    return b;
  };
  return best(0, new Set()) / want.length;
}

export async function sketchEval(engine: Engine, n: number, skip: number, sampling: Sampling, out: string): Promise<Record<string, unknown>> {
  const template = loadTemplate("sketch-to-video.json");
  const metrics: ClipMetrics[] = [], start: number[] = [], rows: SheetRow[] = [], prompts: string[] = [], flagged: string[][] = [];
  const bar = new SingleBar({ format: "sketch eval {bar} {value}/{total} sketches | {eta}s left" }, Presets.shades_classic);
  bar.start(n, 0);
  for (let k = 0; k < n; k++) {
    const i = skip + k;
    const { sketch } = drawSketch(i);
    // The prompt is Describe Scene's (linked into Text Encode), not one given here.
    const g = await generate(engine, template, { prompt: "", seed: 100 + i, ...sampling, sketch: JSON.stringify(sketch) });
    const trace = g.trace!;
    const prompt = g.described ?? "";
    const scene = sketchToScene(sketch);
    metrics.push(measureClip(g.frames, trace.scene, trace.trace));
    start.push(startPositionError(g.frames, scene));
    flagged.push(outsideRange(scene));
    prompts.push(prompt);
    rows.push({ prompt: `${i + 1}. ${prompt}`, ...g.frames });
    bar.increment();
  }
  bar.stop();
  const s = summarize(metrics);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const sorted = [...start].sort((a, b) => a - b);
  const order = start.map((v, i) => ({ i, v: v + metrics[i]!.trajectory_err_px / 4 + misses(metrics[i]!).length * 10 })).sort((a, b) => b.v - a.v).slice(0, 10).map((x) => x.i);
  await contactSheet(order.map((i) => rows[i]!), join(out, "worst-sketches.png"));
  console.log(`\n${table({ sketches: s })}\nstart_pos_err_px: mean ${mean(start).toFixed(2)}, median ${(sorted[sorted.length >> 1] ?? 0).toFixed(2)}\n${formatMedians("sketches", medians(metrics))}`);
  console.log(`\nworst ten sketches:\n| # | prompt (Describe Scene) | start px | trajectory px | wrong | outside range |\n|---|---|---|---|---|---|`);
  for (const i of order) console.log(`| ${skip + i + 1} | ${prompts[i]} | ${start[i]!.toFixed(1)} | ${metrics[i]!.trajectory_err_px.toFixed(1)} | ${misses(metrics[i]!).join(", ") || "—"} | ${flagged[i]!.join("; ") || "—"} |`);
  console.log(`contact sheet: ${join(out, "worst-sketches.png")}`);
  return {
    prompts: n,
    start_pos_err_px: mean(start),
    trajectory_err_px: s.trajectory_err_px,
    color_acc: s.color_acc,
    count_acc: s.count_acc,
    permanence_acc: s.permanence_acc,
    summary: s,
    median: { ...medians(metrics), start_pos_err_px: sorted[sorted.length >> 1] ?? 0 },
    flagged: flagged.filter((f) => f.length > 0).length,
    per_sketch: metrics.map((m, k) => ({ index: skip + k, sketch: drawSketch(skip + k).sketch, prompt: prompts[k], start_pos_err_px: start[k], ...m, track: undefined, wrong: misses(m), outside: flagged[k] })),
  };
}
