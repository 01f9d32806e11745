import type { NoiseSource } from "./types.ts";

/**
 * Seeded Gaussian noise: xoshiro128** (Blackman & Vigna 2018) seeded through splitmix32, then Box–Muller.
 * Only 32-bit integer ops (Math.imul, shifts) and IEEE double arithmetic, so the stream is the same on
 * every machine; Math.log/cos/sin come from V8's own fdlibm port, not the platform libm.
 * Successive randn calls continue one stream: randn(3) then randn(3) equals randn(6).
 */
export function createNoise(seed: number): NoiseSource {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative safe integer, got ${seed}`);
  const lo = splitmix32(seed >>> 0);
  const hi = splitmix32((Math.floor(seed / 0x1_0000_0000) ^ 0x6a09e667) >>> 0);
  const s = new Uint32Array(4);
  for (let k = 0; k < 4; k++) s[k] = lo() ^ hi();
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1; // the one state xoshiro cannot leave

  const next32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };
  // 53 random bits, centred in their cell so u is never 0 (log(0)) nor 1
  const uniform = (): number => ((next32() >>> 5) * 67108864 + (next32() >>> 6) + 0.5) / 9007199254740992;

  let spare: number | undefined;
  const gaussian = (): number => {
    if (spare !== undefined) {
      const z = spare;
      spare = undefined;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };

  return {
    randn(n: number): Float64Array {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = gaussian();
      return out;
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function splitmix32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
}
