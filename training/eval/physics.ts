// `npm run eval -- --physics`: the same prompts and seeds with and without physics guidance, and
// guided runs under gravity the model never saw, all measured against the simulation.
import { Presets, SingleBar } from "cli-progress";
import { join } from "node:path";
import sharp from "sharp";
import { measureClip, truthTrack, type ClipMetrics } from "../../nodes/physics/measure.ts";
import type { Engine } from "../../core/engine/index.ts";
import type { HeldOut } from "./held-out.ts";
import { generate, loadTemplate, type Sampling } from "./graph.ts";
import { contactSheet, countSplit, formatCountSplit, formatMedians, medians, misses, summarize, table, worst, worstTable, type SheetRow } from "./report.ts";

type Track = ({ x: number; y: number } | undefined)[];

/** Simulated (white), unguided (red) and guided (green) centres, one panel per case. */
async function plotTracks(cases: { truth: Track; unguided: Track; guided: Track }[], file: string, size = 64, scale = 4): Promise<void> {
  const S = size * scale;
  const W = S * cases.length;
  const img = new Uint8Array(W * S * 3).fill(24);
  const dot = (ox: number, p: { x: number; y: number } | undefined, c: number[], r: number) => {
    if (!p) return;
    for (let y = Math.floor(p.y * scale - r); y <= p.y * scale + r; y++) for (let x = Math.floor(p.x * scale - r); x <= p.x * scale + r; x++) {
      if (x < 0 || y < 0 || x >= S || y >= S) continue;
      const i = (y * W + ox + x) * 3; img[i] = c[0]!; img[i + 1] = c[1]!; img[i + 2] = c[2]!;
    }
  };
  cases.forEach((c, k) => {
    for (let x = 0; x < S; x++) dot(k * S, { x: x / scale, y: size - 8 }, [90, 90, 90], 0); // ground line
    c.truth.forEach((p) => dot(k * S, p, [255, 255, 255], 3));
    c.unguided.forEach((p) => dot(k * S, p, [230, 60, 60], 2));
    c.guided.forEach((p) => dot(k * S, p, [60, 220, 90], 2));
  });
  await sharp(img, { raw: { width: W, height: S, channels: 3 } }).png().toFile(file);
}

/** Physics Guidance params to try instead of the template's (method, strength, start, end, background, hold, emphasis). */
export type GuidanceOverrides = Partial<Record<"method" | "strength" | "start" | "end" | "background" | "hold" | "emphasis", string | number>>;

export async function physicsEval(engine: Engine, items: HeldOut[], sampling: Sampling, out: string, overrides: GuidanceOverrides = {}): Promise<Record<string, unknown>> {
  const text = loadTemplate("text-to-video.json");
  const physics = loadTemplate("physics-guided.json");
  const guidance = { ...physics.nodes.find((n) => n.type === "t2v.PhysicsGuidance")?.params, ...overrides };
  // `truth`: the simulation's own render, measured like a generated clip (the ceiling over each number).
  const unguided: ClipMetrics[] = [], guided: ClipMetrics[] = [], truth: ClipMetrics[] = [];
  const moonOf = new Map<number, { guided: ClipMetrics; unguided: ClipMetrics; truth: ClipMetrics }>(); // by prompt index: the single free-flight scenes
  const cases: { truth: Track; unguided: Track; guided: Track }[] = [];
  const guidedClips: SheetRow[] = [];
  const bar = new SingleBar({ format: "physics eval {bar} {value}/{total} prompts | {eta}s left" }, Presets.shades_classic);
  bar.start(items.length, 0);
  for (const it of items) {
    const g = await generate(engine, physics, { prompt: it.prompt, seed: it.noiseSeed, ...sampling, scene: { seed: it.seed, gravity_preset: "earth" }, guidance });
    const u = await generate(engine, text, { prompt: it.prompt, seed: it.noiseSeed, ...sampling });
    const sim = g.trace!;
    const mu = measureClip(u.frames, sim.scene, sim.trace), mg = measureClip(g.frames, sim.scene, sim.trace);
    unguided.push(mu); guided.push(mg); truth.push(measureClip(sim.render, sim.scene, sim.trace));
    guidedClips.push({ prompt: it.prompt, ...g.frames });
    if (cases.length < 6 && mg.accel_err_rel !== undefined) cases.push({ truth: truthTrack(sim.scene, sim.trace, g.frames.width), unguided: mu.track, guided: mg.track });
    if (mg.accel_err_rel !== undefined) {
      // Same scene on the Moon: the model only ever saw Earth's gravity.
      const gm = await generate(engine, physics, { prompt: it.prompt, seed: it.noiseSeed, ...sampling, scene: { seed: it.seed, gravity_preset: "moon" }, guidance });
      const moon = gm.trace!;
      moonOf.set(unguided.length - 1, {
        guided: measureClip(gm.frames, moon.scene, moon.trace),
        unguided: measureClip(u.frames, moon.scene, moon.trace),
        truth: measureClip(moon.render, moon.scene, moon.trace),
      });
    }
    bar.increment();
  }
  bar.stop();
  if (cases.length > 0) await plotTracks(cases, join(out, "trajectories.png")); // none when no prompt is a single free flight
  const worstGuided = worst(guided, 10, "trajectory");
  await contactSheet(worstGuided.map((i) => ({ ...guidedClips[i]!, prompt: `${i + 1}. ${guidedClips[i]!.prompt} (guided trajectory ${guided[i]!.trajectory_err_px.toFixed(1)} px, unguided ${unguided[i]!.trajectory_err_px.toFixed(1)} px)` })), join(out, "worst-guided.png"));
  const su = summarize(unguided), sg = summarize(guided), st = summarize(truth);
  const mu = medians(unguided), mg = medians(guided);
  const moon = [...moonOf.values()];
  const gm = summarize(moon.map((m) => m.guided)), gmu = summarize(moon.map((m) => m.unguided)), gmt = summarize(moon.map((m) => m.truth));
  const objects = items.map((it) => it.scene.objects.length);
  const byObjects = { unguided: countSplit(unguided, objects), guided: countSplit(guided, objects), truth: countSplit(truth, objects) };
  console.log(`\nguidance: ${JSON.stringify(guidance)}`);
  console.log(`\n${table({ unguided: su, guided: sg, "true renders": st, "moon, guided": gm, "moon, unguided": gmu, "moon, true renders": gmt })}\n${formatMedians("unguided", mu)}\n${formatMedians("guided", mg)}\n\n${formatCountSplit("objects, unguided", byObjects.unguided)}\n${formatCountSplit("objects, guided", byObjects.guided)}\n${formatCountSplit("objects, true renders", byObjects.truth)}`);
  console.log(`\nworst ten guided (by trajectory error):\n${worstTable(guided, items.map((it) => it.prompt), 10, "trajectory")}`);
  const moonWorst = [...moonOf.entries()].flatMap(([i, m]) => (m.guided.accel_err_rel === undefined ? [] : [{ i, m, err: m.guided.accel_err_rel }])).sort((a, b) => b.err - a.err).slice(0, 5);
  console.log(`\nworst five on the Moon, guided, by acceleration error (guided / unguided):\n| # | prompt | accel err |\n|---|---|---|\n${moonWorst.map(({ i, m, err }) => `| ${i + 1} | ${items[i]!.prompt} | ${err.toFixed(3)} / ${m.unguided.accel_err_rel?.toFixed(3) ?? "—"} |`).join("\n")}`);
  const plotted = cases.length > 0 ? `trajectories: ${join(out, "trajectories.png")} (white simulated, red unguided, green guided)` : "trajectories: no single free flight to plot";
  console.log(`\n${plotted}; worst guided clips: ${join(out, "worst-guided.png")}`);
  const row = (m: ClipMetrics) => ({ ...m, track: undefined, wrong: misses(m) });
  return {
    guidance,
    unguided: su,
    guided: sg,
    truth: st,
    median: { unguided: mu, guided: mg },
    count_by_objects: byObjects,
    per_prompt: items.map((it, i) => {
      const m = moonOf.get(i);
      return {
        prompt: it.prompt, seed: it.noiseSeed, scene_seed: it.seed, unguided: row(unguided[i]!), guided: row(guided[i]!), truth_wrong: misses(truth[i]!),
        ...(m && { moon: { guided: row(m.guided), unguided: row(m.unguided), truth_wrong: misses(m.truth) } }),
      };
    }),
    gravity_override: { gravity: "moon (1.62 m/s²)", prompts: moon.length, accel_err_rel: gm.accel_err_rel, unguided_accel_err_rel: gmu.accel_err_rel, guided: gm, unguided: gmu, truth: gmt },
  };
}
