// Share links: the workflow JSON, deflate-raw compressed (the browser's CompressionStream) and
// base64url-encoded into the URL fragment, which never reaches a server.
const PREFIX = "wf=";

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

export async function encodeShareFragment(doc: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(doc));
  return PREFIX + toBase64Url(await pipe(bytes, new CompressionStream("deflate-raw")));
}

export function shareUrl(fragment: string): string {
  return `${location.origin}${location.pathname}#${fragment}`;
}

/** The document in `#wf=…`, or undefined when the fragment holds none. Throws on a damaged one. */
export async function decodeShareFragment(hash: string): Promise<unknown> {
  const h = hash.startsWith("#") ? hash.slice(1) : hash;
  if (!h.startsWith(PREFIX)) return undefined;
  const bytes = await pipe(fromBase64Url(h.slice(PREFIX.length)), new DecompressionStream("deflate-raw"));
  return JSON.parse(new TextDecoder().decode(bytes));
}
