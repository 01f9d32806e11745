// Aggregates per-clip metrics into the eval's numbers, prints a table and draws a contact sheet.
import sharp, { type OverlayOptions } from "sharp";
import type { ClipMetrics } from "../../nodes/physics/measure.ts";

export interface Summary {
  prompts: number;
  color_acc: number;
  count_acc: number;
  direction_acc: number;
  background_acc: number;
  permanence_acc: number;
  trajectory_err_px: number;
  accel_err_rel: number | null;
  penetration_px: number;
  bounce_ratio: number | null;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const frac = (ms: ClipMetrics[], k: keyof ClipMetrics) => mean(ms.map((m) => (m[k] ? 1 : 0))) ?? 0;

export function summarize(ms: ClipMetrics[]): Summary {
  const defined = (k: "accel_err_rel" | "bounce_ratio") => ms.map((m) => m[k]).filter((v): v is number => v !== undefined);
  return {
    prompts: ms.length,
    color_acc: frac(ms, "color_ok"),
    count_acc: frac(ms, "count_ok"),
    direction_acc: frac(ms, "direction_ok"),
    background_acc: frac(ms, "background_ok"),
    permanence_acc: frac(ms, "permanence_ok"),
    trajectory_err_px: mean(ms.map((m) => m.trajectory_err_px)) ?? 0,
    accel_err_rel: mean(defined("accel_err_rel")),
    // Mean over clips of the deepest reach below the ground line.
    penetration_px: mean(ms.map((m) => m.penetration_px)) ?? 0,
    bounce_ratio: mean(defined("bounce_ratio")),
  };
}

/** The continuous metrics' medians (the means hide a few clips far off). */
export interface Medians { trajectory_err_px: number | null; accel_err_rel: number | null; penetration_px: number | null; bounce_ratio: number | null }

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b), mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function medians(ms: ClipMetrics[]): Medians {
  const of = (k: keyof Medians) => median(ms.map((m) => m[k]).filter((v): v is number => v !== undefined));
  return { trajectory_err_px: of("trajectory_err_px"), accel_err_rel: of("accel_err_rel"), penetration_px: of("penetration_px"), bounce_ratio: of("bounce_ratio") };
}

const ATTRIBUTES = ["color_ok", "count_ok", "direction_ok", "background_ok", "permanence_ok"] as const;

/** The attributes a clip got wrong, by name without "_ok". */
export const misses = (m: ClipMetrics): string[] => ATTRIBUTES.filter((k) => !m[k]).map((k) => k.replace(/_ok$/, ""));

/**
 * Indices of the `n` worst clips: by default most attributes wrong first, then the largest trajectory
 * error; by "trajectory", the largest trajectory error alone (what physics guidance is for).
 */
export function worst(ms: ClipMetrics[], n = 10, by: "misses" | "trajectory" = "misses"): number[] {
  return ms
    .map((m, i) => ({ i, wrong: by === "misses" ? misses(m).length : 0, traj: m.trajectory_err_px }))
    .sort((a, b) => b.wrong - a.wrong || b.traj - a.traj || a.i - b.i)
    .slice(0, n)
    .map((w) => w.i);
}

/** The worst clips as a printed table, their prompts named. */
export function worstTable(ms: ClipMetrics[], prompts: string[], n = 10, by: "misses" | "trajectory" = "misses"): string {
  const lines = ["| # | prompt | wrong | trajectory px |", "|---|---|---|---|"];
  for (const i of worst(ms, n, by)) lines.push(`| ${i + 1} | ${prompts[i]} | ${misses(ms[i]!).join(", ") || "—"} | ${ms[i]!.trajectory_err_px.toFixed(1)} |`);
  return lines.join("\n");
}

export const formatMedians = (label: string, m: Medians) =>
  `${label} medians: trajectory ${m.trajectory_err_px?.toFixed(2) ?? "—"} px, accel err ${m.accel_err_rel?.toFixed(3) ?? "—"}, penetration ${m.penetration_px?.toFixed(2) ?? "—"} px, bounce ${m.bounce_ratio?.toFixed(3) ?? "—"}`;

export interface CountSplit<K extends string | number = number> { group: K; right: number; of: number; acc: number }

/**
 * Count accuracy split by a property of each prompt's scene: how many objects it asks for (the misses
 * gather in multi-object scenes) or its background (the sunset's sun sits where objects pass).
 */
export function countSplit<K extends string | number>(ms: ClipMetrics[], groups: K[]): CountSplit<K>[] {
  const tally = new Map<K, { right: number; of: number }>();
  ms.forEach((m, i) => {
    const g = tally.get(groups[i]!) ?? { right: 0, of: 0 };
    tally.set(groups[i]!, { right: g.right + (m.count_ok ? 1 : 0), of: g.of + 1 });
  });
  return [...tally.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([group, g]) => ({ group, ...g, acc: g.right / g.of }));
}

export const formatCountSplit = (by: string, split: CountSplit<string | number>[]) =>
  `count by ${by}: ${split.map((s) => `${s.group}: ${s.right}/${s.of} (${s.acc.toFixed(2)})`).join(", ")}`;

export const TARGETS: Partial<Record<keyof Summary, number>> = { color_acc: 0.9, count_acc: 0.85, direction_acc: 0.85, background_acc: 0.9, permanence_acc: 0.9 };

export function table(rows: Record<string, Summary>): string {
  const cols = Object.keys(rows);
  const keys = Object.keys(rows[cols[0]!]!) as (keyof Summary)[];
  const fmt = (v: number | null) => (v === null ? "—" : Number.isInteger(v) ? String(v) : v.toFixed(3));
  const lines = [`| metric | ${cols.join(" | ")} | target |`, `|---|${cols.map(() => "---|").join("")}---|`];
  for (const k of keys) lines.push(`| ${k} | ${cols.map((c) => fmt(rows[c]![k])).join(" | ")} | ${TARGETS[k] !== undefined ? `≥ ${TARGETS[k]}` : ""} |`);
  return lines.join("\n");
}

export interface SheetRow { prompt: string; rgb: Uint8Array; width: number; height: number; frames: number }

/** One row per sample: every `every`-th frame (every other by default), with its prompt above it. */
export async function contactSheet(rows: SheetRow[], file: string, scale = 2, every = 2): Promise<void> {
  if (rows.length === 0) return;
  const { width: w, height: h } = rows[0]!;
  const shown = Math.ceil(rows[0]!.frames / every);
  const label = 18, cellW = w * scale, cellH = h * scale;
  const W = shown * cellW, H = rows.length * (cellH + label);
  const composites: OverlayOptions[] = [];
  for (const [r, row] of rows.entries()) {
    const esc = row.prompt.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
    composites.push({ input: Buffer.from(`<svg width="${W}" height="${label}"><text x="4" y="13" font-family="DejaVu Sans, sans-serif" font-size="12" fill="#ddd">${esc}</text></svg>`), top: r * (cellH + label), left: 0 });
    for (let k = 0; k < shown; k++) {
      const f = row.rgb.subarray(every * k * w * h * 3, (every * k + 1) * w * h * 3);
      const img = await sharp(f, { raw: { width: w, height: h, channels: 3 } }).resize(cellW, cellH, { kernel: "nearest" }).png().toBuffer();
      composites.push({ input: img, top: r * (cellH + label) + label, left: k * cellW });
    }
  }
  await sharp({ create: { width: W, height: H, channels: 3, background: "#202020" } }).composite(composites).png().toFile(file);
}
