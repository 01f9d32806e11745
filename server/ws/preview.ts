// Preview frames → one contact-sheet JPEG per step, encoded off the sampler's path.
// submit() only stores the payload (latest wins) and returns; one encode runs at a time in
// sharp's thread pool, and whatever arrived meanwhile replaces the stale payload.
import sharp from "sharp";
import type { Logger, PreviewPayload } from "../../core/node/definition.ts";
import { encodePreviewImage, encodePreviewWithMetadata, type PreviewMetadata } from "../../core/protocol.ts";
import type { PreviewFrames } from "./hub.ts";

export interface PreviewJob {
  promptId: string;
  nodeId: string;
  /** The job's client, undefined for a broadcast job. */
  sid: string | undefined;
  payload: PreviewPayload;
}

export interface SheetLayout {
  cols: number;
  rows: number;
  frame_width: number;
  frame_height: number;
}

/** Columns so the sheet is roughly square: √(N·h/w), at most N. */
export function sheetGrid(n: number, width: number, height: number): { cols: number; rows: number } {
  const cols = Math.max(1, Math.min(n, Math.ceil(Math.sqrt((n * height) / width))));
  return { cols, rows: Math.ceil(n / cols) };
}

/** Tiles the frames row-major into one RGB buffer (black where the last row is short). */
export function tileFrames(p: PreviewPayload): { rgb: Uint8Array; width: number; height: number; cols: number; rows: number } {
  const { width: w, height: h } = p;
  const frameBytes = w * h * 3;
  const n = Array.isArray(p.frames) ? p.frames.length : Math.floor(p.frames.byteLength / frameBytes);
  if (n < 1 || !Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1) throw new Error(`preview has no frames of ${w}×${h}`);
  const frame = (i: number): Uint8Array => (Array.isArray(p.frames) ? p.frames[i] : (p.frames as Uint8Array).subarray(i * frameBytes, (i + 1) * frameBytes));
  const { cols, rows } = sheetGrid(n, w, h);
  const sheetW = cols * w;
  const rgb = new Uint8Array(sheetW * rows * h * 3);
  const rowBytes = w * 3;
  for (let i = 0; i < n; i++) {
    const f = frame(i);
    if (f.byteLength < frameBytes) throw new Error(`preview frame ${i} has ${f.byteLength} bytes, expected ${frameBytes} (${w}×${h} RGB)`);
    const x0 = (i % cols) * w;
    const y0 = Math.floor(i / cols) * h;
    for (let y = 0; y < h; y++) rgb.set(f.subarray(y * rowBytes, (y + 1) * rowBytes), ((y0 + y) * sheetW + x0) * 3);
  }
  return { rgb, width: sheetW, height: rows * h, cols, rows };
}

export interface PreviewEncoderOptions {
  logger: Logger;
  deliver(frames: PreviewFrames, sid: string | undefined): void;
  /** Longest side of a sheet in pixels; larger ones are scaled down per cell. Default 2048. */
  maxSheetSide?: number;
  quality?: number;
  /**
   * After an encode that took d ms, the next starts no sooner than restFactor·d ms later, so
   * previews use at most 1/(1+restFactor) of one core whatever the step rate. Default 3.
   */
  restFactor?: number;
  /**
   * Encodes start at most this often (ms): at 20 ms a step nobody sees 50 sheets a second, and each
   * one takes CPU from the sampler. The newest step still arrives (latest wins, flush at the end).
   * Default 100.
   */
  minIntervalMs?: number;
}

export async function encodeSheet(p: PreviewPayload, maxSide = 2048, quality = 85): Promise<{ jpeg: Uint8Array; layout: SheetLayout; frameCount: number }> {
  const t = tileFrames(p);
  const scale = Math.min(1, maxSide / Math.max(t.width, t.height));
  const fw = Math.max(1, Math.floor(p.width * scale));
  const fh = Math.max(1, Math.floor(p.height * scale));
  let img = sharp(t.rgb, { raw: { width: t.width, height: t.height, channels: 3 } });
  if (scale < 1) img = img.resize(t.cols * fw, t.rows * fh, { fit: "fill" });
  const jpeg = await img.jpeg({ quality }).toBuffer();
  const frameCount = Array.isArray(p.frames) ? p.frames.length : Math.floor(p.frames.byteLength / (p.width * p.height * 3));
  return { jpeg: new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength), layout: { cols: t.cols, rows: t.rows, frame_width: fw, frame_height: fh }, frameCount };
}

export type PreviewEncoder = ReturnType<typeof createPreviewEncoder>;

export function createPreviewEncoder(o: PreviewEncoderOptions) {
  let pending: PreviewJob | undefined;
  let running: Promise<void> | undefined;
  let stats = { submitted: 0, encoded: 0, dropped: 0 };

  const restFactor = o.restFactor ?? 3;
  const minIntervalMs = o.minIntervalMs ?? 100;
  // flush() sets `hurry` and ends a rest early through `wake`: the job is over, nothing to yield to.
  let hurry = false;
  // The earliest the next encode may start, also for a payload that arrives after the pump stopped.
  let nextAt = 0;
  let wake: (() => void) | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => (wake = undefined));

  async function pump(): Promise<void> {
    while (pending) {
      const rest = nextAt - performance.now();
      if (rest > 0 && !hurry) await pause(rest);
      const job = pending;
      pending = undefined;
      if (!job) break;
      const started = performance.now();
      try {
        const { jpeg, layout, frameCount } = await encodeSheet(job.payload, o.maxSheetSide, o.quality);
        const metadata: PreviewMetadata = {
          node_id: job.nodeId,
          display_node_id: job.nodeId,
          real_node_id: job.nodeId,
          parent_node_id: null,
          prompt_id: job.promptId,
          image_type: "image/jpeg",
          frame_index: 0,
          frame_count: frameCount,
          ...(job.payload.step === undefined ? {} : { step: job.payload.step }),
          ...(job.payload.steps === undefined ? {} : { steps: job.payload.steps }),
          layout,
        };
        stats.encoded++;
        o.deliver({ legacy: encodePreviewImage(jpeg), withMetadata: encodePreviewWithMetadata(jpeg, metadata) }, job.sid);
      } catch (err) {
        o.logger.warn({ err, nodeId: job.nodeId }, "preview could not be encoded");
      }
      const took = performance.now() - started;
      nextAt = started + Math.max(took * (1 + restFactor), minIntervalMs);
    }
  }

  return {
    /** Returns at once; a payload still waiting is replaced (dropped). */
    submit(job: PreviewJob): void {
      stats.submitted++;
      if (pending) stats.dropped++;
      pending = job;
      if (!running) {
        running = pump().finally(() => {
          running = undefined;
        });
      }
    },
    /** Resolves when nothing is waiting or encoding. */
    async idle(): Promise<void> {
      while (running) await running;
    },
    /** idle(), but the newest waiting preview is encoded at once, without the rest (the job has ended). */
    async flush(): Promise<void> {
      hurry = true;
      wake?.();
      try {
        while (running) await running;
      } finally {
        hurry = false;
      }
    },
    stats: () => ({ ...stats }),
    resetStats(): void {
      stats = { submitted: 0, encoded: 0, dropped: 0 };
    },
  };
}
