// The instrument's own acceleration error: the true renders of the first N held-out scenes,
// simulated under each gravity and measured as a generated clip would be (nodes/physics/measure.ts).
//   npx tsx training/eval/true-accel.ts [--limit 300]
import { Command } from "commander";
import { z } from "zod";
import { renderScene } from "../../nodes/physics/clip.ts";
import { measureClip, type ClipMetrics } from "../../nodes/physics/measure.ts";
import { initPhysics } from "../../nodes/physics/simulate.ts";
import { applyOverrides, GRAVITY_PRESETS } from "../../nodes/physics-nodes/physics-scene.ts";
import { heldOutPrompts } from "./held-out.ts";
import { medians, summarize } from "./report.ts";

const args = z.object({ limit: z.coerce.number().int().positive() }).safeParse(new Command("true-accel").option("--limit <n>", "held-out scenes", "300").parse().opts());
if (!args.success) {
  console.error(`true-accel: ${args.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; ")}`);
  process.exit(2);
}
const o = args.data;
await initPhysics();
for (const [name, gravity] of [["earth", GRAVITY_PRESETS.earth], ["moon", GRAVITY_PRESETS.moon]] as const) {
  const clips: ClipMetrics[] = [];
  for (const it of heldOutPrompts(o.limit)) {
    const clip = await renderScene(applyOverrides(it.scene, { gravity, restitution_scale: 1, friction_scale: 1, speed_scale: 1 }));
    const m = measureClip(clip.render, clip.scene, clip.trace);
    if (m.accel_err_rel !== undefined) clips.push(m);
  }
  // the eval's own mean and median (report.ts), so the floor is read as the generated clips are
  const mean = summarize(clips).accel_err_rel, median = medians(clips).accel_err_rel;
  console.log(`${name}: ${clips.length} single free-flight scenes, true renders' accel error mean ${mean?.toFixed(3) ?? "—"}, median ${median?.toFixed(3) ?? "—"}`);
}
