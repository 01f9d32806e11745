// Output cache: signature → node outputs, least recently used evicted first, bounded by bytes.
import type { UiOutput } from "../node/definition.ts";

export interface CacheEntry {
  outputs: Record<string, unknown>;
  ui?: UiOutput;
}

export interface OutputCache {
  get(signature: string): CacheEntry | undefined;
  /** Stores unless the entry alone is over the budget; evicts the oldest to make room. */
  set(signature: string, entry: CacheEntry): void;
  has(signature: string): boolean;
  clear(): void;
  stats(): { entries: number; bytes: number; maxBytes: number };
}

const OBJECT_OVERHEAD = 64;

/**
 * Rough size in bytes: exact for typed arrays and buffers, 2 per string char, 8 per number,
 * recursive through arrays, maps and plain objects. Shared parts are counted once.
 */
export function estimateBytes(value: unknown, seen = new WeakSet<object>()): number {
  switch (typeof value) {
    case "string":
      return 2 * value.length;
    case "number":
    case "boolean":
    case "bigint":
      return 8;
    case "object":
      break;
    default:
      return 0;
  }
  if (value === null) return 0;
  if (seen.has(value)) return 0;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  let total = OBJECT_OVERHEAD;
  if (Array.isArray(value) || value instanceof Set) {
    for (const v of value) total += estimateBytes(v, seen);
  } else if (value instanceof Map) {
    for (const [k, v] of value) total += estimateBytes(k, seen) + estimateBytes(v, seen);
  } else {
    for (const [k, v] of Object.entries(value)) total += 2 * k.length + estimateBytes(v, seen);
  }
  return total;
}

export function createOutputCache(maxBytes: number): OutputCache {
  // A Map iterates in insertion order; re-inserting on use makes the first key the LRU one.
  const entries = new Map<string, { entry: CacheEntry; bytes: number }>();
  let bytes = 0;

  const remove = (sig: string) => {
    const e = entries.get(sig);
    if (!e) return;
    entries.delete(sig);
    bytes -= e.bytes;
  };

  return {
    get(sig) {
      const e = entries.get(sig);
      if (!e) return undefined;
      entries.delete(sig);
      entries.set(sig, e);
      return e.entry;
    },
    set(sig, entry) {
      remove(sig);
      const size = estimateBytes(entry.outputs) + estimateBytes(entry.ui);
      if (size > maxBytes) return;
      while (bytes + size > maxBytes) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        remove(oldest.value);
      }
      entries.set(sig, { entry, bytes: size });
      bytes += size;
    },
    has: (sig) => entries.has(sig),
    clear() {
      entries.clear();
      bytes = 0;
    },
    stats: () => ({ entries: entries.size, bytes, maxBytes }),
  };
}
