// The upscaler eval's tallies, terminal tables, text-instrument check and contact sheet.
import sharp, { type OverlayOptions } from "sharp";
import type { ClipMetrics } from "../../nodes/physics/measure.ts";
import { median, type EdgeProfiles } from "./edge-width.ts";
import { flicker, psnrDb, sse, ssim } from "./image-metrics.ts";
import { countSplit, formatCountSplit, summarize, table, type CountSplit, type Summary } from "./report.ts";

export interface MethodScores {
  /** From the total squared error over every pixel of every clip. */
  psnr_db: number;
  psnr_mean_clip: number;
  ssim: number;
  edge_width_px: number | null;
  edge_profiles: number;
  /** Mean |frame t − frame t−1| (0–255) over pixels whose true value does not change. */
  flicker: number;
  /** Median wall time to upscale one clip. */
  ms_per_clip: number | null;
}

const round = (v: number, d = 3) => (Number.isFinite(v) ? Number(v.toFixed(d)) : v);

/** Running scores of one method on one input against the large truth. */
export class Tally {
  private se = 0;
  private values = 0;
  private flick = 0;
  private flickPx = 0;
  readonly psnrClip: number[] = [];
  readonly ssimClip: number[] = [];
  readonly widths: number[] = [];
  readonly ms: number[] = [];

  /** Scores one upscaled clip (frames × h × w × 3) against its truth; returns that clip's PSNR and SSIM. */
  add(out: Uint8Array, truth: Uint8Array, w: number, h: number, frames: number, prof: EdgeProfiles, still: Uint8Array, ms?: number): { psnr_db: number; ssim: number } {
    const e = sse(out, truth);
    this.se += e; this.values += truth.length;
    const p = psnrDb(e, truth.length), s = ssim(out, truth, w, h, frames);
    this.psnrClip.push(p); this.ssimClip.push(s);
    this.widths.push(...prof.widths(out));
    const f = flicker(out, still, w, h, frames);
    this.flick += f.sum; this.flickPx += f.count;
    if (ms !== undefined) this.ms.push(ms);
    return { psnr_db: round(p), ssim: round(s, 4) };
  }

  result(): MethodScores {
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const w = median(this.widths), ms = median(this.ms);
    return {
      psnr_db: round(psnrDb(this.se, this.values)),
      psnr_mean_clip: round(mean(this.psnrClip)),
      ssim: round(mean(this.ssimClip), 4),
      edge_width_px: w === null ? null : round(w),
      edge_profiles: this.widths.length,
      flicker: round(this.flick / Math.max(1, this.flickPx), 4),
      ms_per_clip: ms === null ? null : round(ms, 1),
    };
  }
}

export interface InputScores { about: string; truth_edge_width_px: number | null; truth_edge_profiles: number; model: MethodScores; lanczos: MethodScores }

/** One row per input and method, and the truth's own edge width under each input. */
export function scoresTable(inputs: Record<string, InputScores>): string {
  const f = (v: number | null, d = 2) => (v === null ? "—" : Number.isFinite(v) ? v.toFixed(d) : String(v));
  const lines = ["| input | method | PSNR dB | PSNR/clip | SSIM | edge px | flicker | ms/clip |", "|---|---|---|---|---|---|---|---|"];
  for (const [name, s] of Object.entries(inputs)) {
    for (const m of ["model", "lanczos"] as const) {
      const r = s[m];
      lines.push(`| ${name} | ${m} | ${f(r.psnr_db)} | ${f(r.psnr_mean_clip)} | ${f(r.ssim, 4)} | ${f(r.edge_width_px)} | ${f(r.flicker, 3)} | ${f(r.ms_per_clip, 0)} |`);
    }
    lines.push(`| ${name} | truth | — | — | — | ${f(s.truth_edge_width_px)} | 0 | — |`);
  }
  return lines.join("\n");
}

const HIGHER: (keyof Summary)[] = ["color_acc", "count_acc", "direction_acc", "background_acc", "permanence_acc"];
const LOWER: (keyof Summary)[] = ["trajectory_err_px", "accel_err_rel", "penetration_px"];

/** Per measure: the reference's score, the model's, and whether the model's is no worse. */
export type NoLower = Record<string, { ref: number | null; model: number | null; ok: boolean }>;

function noLower(ref: Summary, model: Summary): NoLower {
  const out: NoLower = {};
  for (const k of [...HIGHER, ...LOWER]) {
    const r = ref[k] as number | null, m = model[k] as number | null;
    const ok = r === null || m === null ? r === m : HIGHER.includes(k) ? m >= r - 1e-9 : m <= r + 1e-9;
    out[k] = { ref: r === null ? null : round(r), model: m === null ? null : round(m), ok };
  }
  return out;
}

export interface InstrumentCheck {
  columns: Record<"64×64" | "model ↓64" | "lanczos ↓64" | "truth ↓64", Summary>;
  /** The model's output area-averaged to 64×64 against the 64×64 clips it was made from: the check asked for. */
  no_lower: NoLower;
  ok: boolean;
  /**
   * The same against the true large render area-averaged to 64×64, the best any upscaler can give
   * (the renderer is not exactly area-consistent across sizes, so this can differ from 64×64).
   */
  no_lower_than_truth: NoLower;
  ok_against_truth: boolean;
  /** The true render area-averaged to 64×64 against the 64×64 clips: where this fails, the check above cannot pass. */
  truth_no_lower: NoLower;
  truth_ok: boolean;
  /** Count accuracy of each column by the scene's background. */
  count_by_background: Record<string, CountSplit<string>[]>;
}

/**
 * The text eval's instrument on the generated 64×64 clips and on the model's output area-averaged
 * back to 64×64 (Lanczos's and the true render's for reference): upscaling must not cost the clip
 * what the eval measures.
 */
export function instrumentCheck(m: { small: ClipMetrics[]; model: ClipMetrics[]; lanczos: ClipMetrics[]; truth: ClipMetrics[] }, backgrounds: string[]): InstrumentCheck {
  const columns = { "64×64": summarize(m.small), "model ↓64": summarize(m.model), "lanczos ↓64": summarize(m.lanczos), "truth ↓64": summarize(m.truth) };
  const a = noLower(columns["64×64"], columns["model ↓64"]), b = noLower(columns["truth ↓64"], columns["model ↓64"]);
  const t = noLower(columns["64×64"], columns["truth ↓64"]);
  const all = (n: NoLower) => Object.values(n).every((v) => v.ok);
  const byBg = { "64×64": countSplit(m.small, backgrounds), "model ↓64": countSplit(m.model, backgrounds), "lanczos ↓64": countSplit(m.lanczos, backgrounds), "truth ↓64": countSplit(m.truth, backgrounds) };
  return { columns, no_lower: a, ok: all(a), no_lower_than_truth: b, ok_against_truth: all(b), truth_no_lower: t, truth_ok: all(t), count_by_background: byBg };
}

export function formatInstrument(c: InstrumentCheck): string {
  const worse = (n: NoLower) => Object.entries(n).filter(([, v]) => !v.ok).map(([k, v]) => `${k} ${v.ref} → ${v.model}`).join(", ");
  return [
    table(c.columns),
    "",
    `model ↓64 no lower than 64×64: ${c.ok ? "yes" : `no (${worse(c.no_lower)})`}`,
    `model ↓64 no lower than truth ↓64: ${c.ok_against_truth ? "yes" : `no (${worse(c.no_lower_than_truth)})`}`,
    `truth ↓64 no lower than 64×64 (the renderer's own 256→64 consistency): ${c.truth_ok ? "yes" : `no (${worse(c.truth_no_lower)})`}`,
    "",
    ...Object.entries(c.count_by_background).map(([col, split]) => `${col}: ${formatCountSplit("background", split)}`),
  ].join("\n");
}

export interface SheetFrame { label: string; lanczos: Uint8Array; model: Uint8Array; truth: Uint8Array }

/** One row per clip frame: Lanczos | model | truth, full size, with a label above each row. */
export async function upscaleSheet(rows: SheetFrame[], w: number, h: number, file: string): Promise<void> {
  if (rows.length === 0) return;
  const label = 18, gap = 4, cols = ["lanczos", "model", "truth"] as const;
  const W = cols.length * w + (cols.length - 1) * gap, H = label + rows.length * (h + label);
  const text = (s: string, width: number) => Buffer.from(`<svg width="${width}" height="${label}"><text x="4" y="13" font-family="DejaVu Sans, sans-serif" font-size="12" fill="#ddd">${s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`)}</text></svg>`);
  const composites: OverlayOptions[] = cols.map((c, k) => ({ input: text(c, w), top: 0, left: k * (w + gap) }));
  for (const [r, row] of rows.entries()) {
    const top = label + r * (h + label);
    composites.push({ input: text(row.label, W), top, left: 0 });
    for (const [k, c] of cols.entries()) {
      const img = await sharp(row[c], { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
      composites.push({ input: img, top: top + label, left: k * (w + gap) });
    }
  }
  await sharp({ create: { width: W, height: H, channels: 3, background: "#202020" } }).composite(composites).png().toFile(file);
}
