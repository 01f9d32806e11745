// Clips longer than a pack's native length are sampled window by window: each window is one full
// sampling run over `frames` latent frames whose first ones continue the window before it.

/** A run of frames inside [rows × T × frameSize] data (rows: batch × channels for latents, batch for RGB): frames start..start+count. */
export function sliceFrames<A extends Uint8Array | Float32Array | Float64Array>(data: A, frames: number, frameSize: number, start: number, count: number): A {
  const rows = data.length / (frames * frameSize);
  const out = new (data.constructor as new (n: number) => A)(rows * count * frameSize);
  for (let r = 0; r < rows; r++) {
    out.set(data.subarray((r * frames + start) * frameSize, (r * frames + start + count) * frameSize), r * count * frameSize);
  }
  return out;
}

/** Writes a window (rows × count × frameSize) back into the clip at frame `start`. */
export function writeFrames(clip: Float32Array | Float64Array, frames: number, frameSize: number, start: number, window: ArrayLike<number>, count: number): void {
  const rows = clip.length / (frames * frameSize);
  const per = count * frameSize;
  for (let r = 0; r < rows; r++) {
    const to = (r * frames + start) * frameSize;
    for (let k = 0; k < per; k++) clip[to + k] = window[r * per + k]!;
  }
}

/**
 * Where each window starts, for a clip of `total` latent frames and windows of `size`, given which
 * frames are already known. Windows cover every frame still to make; each one starts `overlap`
 * frames before the first frame it makes (those frames are given to it), and the last one is
 * pulled back to end with the clip. No window is planned where nothing is left to make.
 */
export function planWindows(total: number, size: number, known: readonly boolean[], overlap: number): number[] {
  const made = Array.from({ length: total }, (_, t) => known[t] === true);
  if (total <= size) return made.every(Boolean) ? [] : [0];
  const keep = Math.max(0, Math.min(overlap, size - 1));
  const starts: number[] = [];
  for (;;) {
    const next = made.indexOf(false);
    if (next < 0) return starts;
    const start = Math.min(Math.max(0, next - keep), total - size);
    starts.push(start);
    for (let t = start; t < start + size; t++) made[t] = true;
  }
}
