// Where the provenance text lives in each container, written and read back without extra tools:
// an XMP packet (WebP "XMP " chunk, PNG text chunk), a GIF comment extension, MP4/WebM tags.
import { inflateSync } from "node:zlib";

/** JSON with every non-ASCII character as \uXXXX: safe in GIF comments (7-bit) and any tag. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

// ---- XMP (WebP, PNG) ----

export const T2V_XMP_NS = "urn:t2v-studio:ns:provenance:1/";
/** IPTC's term for media made by a trained model; what image tools read as "AI-generated". */
export const DIGITAL_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";

function xmlEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function xmlUnescape(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) => {
    const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
    if (e[0] !== "#") return named[e.toLowerCase()];
    return String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

/** An XMP packet with the standard AI label (IPTC DigitalSourceType) and the full record. */
export function xmpPacket(recordJson: string, tool: string, created: string): string {
  return [
    `<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>`,
    `<x:xmpmeta xmlns:x="adobe:ns:meta/">`,
    ` <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">`,
    `  <rdf:Description rdf:about=""`,
    `    xmlns:xmp="http://ns.adobe.com/xap/1.0/"`,
    `    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"`,
    `    xmlns:t2v="${T2V_XMP_NS}"`,
    `    xmp:CreatorTool="${xmlEscape(tool)}"`,
    `    xmp:CreateDate="${xmlEscape(created)}"`,
    `    Iptc4xmpExt:DigitalSourceType="${DIGITAL_SOURCE_TYPE}">`,
    `   <t2v:provenance>${xmlEscape(recordJson)}</t2v:provenance>`,
    `  </rdf:Description>`,
    ` </rdf:RDF>`,
    `</x:xmpmeta>`,
    `<?xpacket end="w"?>`,
  ].join("\n");
}

/** The record text inside an XMP packet, or undefined when the packet has none. */
export function recordFromXmp(xmp: string): string | undefined {
  const m = /<t2v:provenance>([\s\S]*?)<\/t2v:provenance>/.exec(xmp);
  return m ? xmlUnescape(m[1]) : undefined;
}

// ---- PNG ----

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
export const isPng = (b: Buffer) => b.subarray(0, 8).equals(PNG_SIGNATURE);

/** Text chunks (tEXt, zTXt, iTXt) by keyword; a chunk with no room left for its CRC is not read. */
export function pngTexts(png: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  for (const { type, data, at } of pngChunks(png)) {
    if (at + 12 > png.length) break;
    const nul = data.indexOf(0);
    if (nul < 0) continue;
    const keyword = data.toString("latin1", 0, nul);
    if (type === "tEXt") out.set(keyword, data.toString("latin1", nul + 1));
    else if (type === "zTXt") out.set(keyword, inflateSync(data.subarray(nul + 2)).toString("latin1"));
    else if (type === "iTXt") {
      const compressed = data[nul + 1] === 1;
      const lang = data.indexOf(0, nul + 3);
      const translated = lang < 0 ? -1 : data.indexOf(0, lang + 1);
      if (translated < 0) continue;
      const text = data.subarray(translated + 1);
      out.set(keyword, (compressed ? inflateSync(text) : text).toString("utf8"));
    }
  }
  return out;
}

/**
 * Every chunk after the signature, up to IEND, with the offset it starts at; a chunk cut off by
 * the end of the file is returned as far as it goes.
 */
export function pngChunks(png: Buffer): { type: string; data: Buffer; at: number }[] {
  const out: { type: string; data: Buffer; at: number }[] = [];
  for (let pos = 8; pos + 8 <= png.length; ) {
    const len = png.readUInt32BE(pos);
    const type = png.toString("latin1", pos + 4, pos + 8);
    out.push({ type, data: png.subarray(pos + 8, pos + 8 + len), at: pos });
    if (type === "IEND") break;
    pos += 12 + len;
  }
  return out;
}

// ---- WebP ----

export const isWebp = (b: Buffer) => b.toString("latin1", 0, 4) === "RIFF" && b.toString("latin1", 8, 12) === "WEBP";

/** The payload of the first RIFF chunk with this four-character code. */
export function webpChunk(webp: Buffer, fourcc: string): Buffer | undefined {
  for (let pos = 12; pos + 8 <= webp.length; ) {
    const id = webp.toString("latin1", pos, pos + 4);
    const size = webp.readUInt32LE(pos + 4);
    if (id === fourcc) return webp.subarray(pos + 8, pos + 8 + size);
    pos += 8 + size + (size & 1);
  }
  return undefined;
}

// ---- EXIF (WebP "EXIF" chunk) ----

/**
 * The ASCII entries (type 2) of an EXIF block's first IFD, by tag, with trailing NULs removed and
 * the bytes read as UTF-8. Takes the TIFF header ("II" or "MM") with or without the "Exif\0\0"
 * prefix; anything out of bounds is skipped, a value cut off by the end is kept as far as it goes.
 */
export function exifStrings(exif: Buffer): Map<number, string> {
  const out = new Map<number, string>();
  const tiff = exif.toString("latin1", 0, 6) === "Exif\0\0" ? exif.subarray(6) : exif;
  const order = tiff.toString("latin1", 0, 2);
  if (tiff.length < 8 || (order !== "II" && order !== "MM")) return out;
  const le = order === "II";
  const u16 = (at: number) => (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (le ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  if (u16(2) !== 42) return out;
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return out;
  for (let i = 0, count = u16(ifd); i < count; i++) {
    const entry = ifd + 2 + 12 * i;
    if (entry + 12 > tiff.length) break;
    if (u16(entry + 2) !== 2) continue;
    const length = u32(entry + 4);
    // Up to 4 bytes sit in the entry itself; longer values are elsewhere, at the offset it holds.
    const start = length <= 4 ? entry + 8 : u32(entry + 8);
    if (start >= tiff.length) continue;
    let end = Math.min(start + length, tiff.length);
    while (end > start && tiff[end - 1] === 0) end--;
    out.set(u16(entry), tiff.toString("utf8", start, end));
  }
  return out;
}

// ---- GIF ----

export const isGif = (b: Buffer) => b.toString("latin1", 0, 4) === "GIF8";

/** Comment extension blocks: 0x21 0xFE, then the text in sub-blocks of at most 255 bytes. */
function commentBlock(text: string): Buffer {
  const data = Buffer.from(text, "latin1");
  const parts: Buffer[] = [Buffer.from([0x21, 0xfe])];
  for (let i = 0; i < data.length; i += 255) {
    const piece = data.subarray(i, i + 255);
    parts.push(Buffer.from([piece.length]), piece);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/** Adds a comment extension just before the trailer (comments may sit between any blocks). */
export function withGifComment(gif: Buffer, text: string): Buffer {
  if (gif[gif.length - 1] !== 0x3b) throw new Error("GIF has no trailer byte; cannot add the provenance comment");
  return Buffer.concat([gif.subarray(0, gif.length - 1), commentBlock(text), Buffer.from([0x3b])]);
}

/** Every comment extension in a GIF, walking its blocks; throws on a broken block structure. */
export function gifComments(gif: Buffer): string[] {
  const comments: string[] = [];
  const tableSize = (packed: number) => (packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0);
  const skipSubBlocks = (pos: number, collect?: Buffer[]) => {
    while (pos < gif.length && gif[pos] !== 0) {
      collect?.push(gif.subarray(pos + 1, pos + 1 + gif[pos]));
      pos += gif[pos] + 1;
    }
    return pos + 1;
  };
  let pos = 13 + tableSize(gif[10]);
  while (pos < gif.length) {
    const b = gif[pos];
    if (b === 0x3b) break;
    if (b === 0x21) {
      const parts: Buffer[] = [];
      const label = gif[pos + 1];
      pos = skipSubBlocks(pos + 2, label === 0xfe ? parts : undefined);
      if (label === 0xfe) comments.push(Buffer.concat(parts).toString("latin1"));
    } else if (b === 0x2c) {
      pos = skipSubBlocks(pos + 10 + tableSize(gif[pos + 9]) + 1);
    } else {
      throw new Error(`GIF block structure is broken at byte ${pos}`);
    }
  }
  return comments;
}

// ---- MP4 / WebM tags ----

/** ffmpeg's command line carries tags; one argument must stay under Linux's 128 KiB limit. */
const TAG_CHUNK = 100_000;
export const WORKFLOW_TAG = "t2v_workflow";

/** `-metadata` arguments: the label in `comment`, the workflow in t2v_workflow, t2v_workflow_2, …. */
export function tagArgs(labelJson: string, workflowJson: string | undefined, description: string): string[] {
  const args = ["-metadata", `comment=${labelJson}`, "-metadata", `description=${description}`];
  if (workflowJson === undefined) return args;
  for (let i = 0, k = 1; i < workflowJson.length || k === 1; i += TAG_CHUNK, k++) {
    args.push("-metadata", `${k === 1 ? WORKFLOW_TAG : `${WORKFLOW_TAG}_${k}`}=${workflowJson.slice(i, i + TAG_CHUNK)}`);
  }
  return args;
}

/** Joins t2v_workflow, t2v_workflow_2, … back together; undefined when there is none. */
export function workflowFromTags(tags: Map<string, string>): string | undefined {
  const first = tags.get(WORKFLOW_TAG);
  if (first === undefined) return undefined;
  let text = first;
  for (let k = 2; tags.has(`${WORKFLOW_TAG}_${k}`); k++) text += tags.get(`${WORKFLOW_TAG}_${k}`);
  return text;
}
