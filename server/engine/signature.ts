// Cache signatures: node type + version + params + upstream signatures, hashed.
import { createHash } from "node:crypto";

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

export function nodeSignature(parts: SignatureParts): string {
  const inputs = [...parts.inputs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const text = stableStringify({ ...parts, inputs });
  return createHash("sha256").update(text).digest("hex").slice(0, 40);
}
