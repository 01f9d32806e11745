// Cache signatures: node type + version + params + upstream signatures, hashed.

/** JSON with object keys sorted, so equal values always give equal text. */
export function stableStringify(value: unknown): string {
  if (value === undefined) return "null";
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? String(value);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`;
}

export interface SignatureParts {
  type: string;
  version: number;
  params: Record<string, unknown>;
  fingerprint?: string;
  /** [input name, upstream signature, upstream output name] */
  inputs: [string, string, string][];
}

/** SHA-256 of the stable text, through Web Crypto (in Node and the browser alike), as 40 hex digits. */
export async function nodeSignature(parts: SignatureParts): Promise<string> {
  const inputs = [...parts.inputs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const text = stableStringify({ ...parts, inputs });
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return Array.from(digest.subarray(0, 20), (b) => b.toString(16).padStart(2, "0")).join("");
}
