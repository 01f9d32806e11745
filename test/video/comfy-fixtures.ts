// Files as ComfyUI and VideoHelperSuite write them, built here byte by byte: PNG text chunks,
// a WebP EXIF block, and MP4/WebM tags written by the real ffmpeg. The JSON is ASCII-only, as
// Python's json.dumps writes it.
import { deflateSync } from "node:zlib";
import sharp from "sharp";
import { asciiJson } from "../../nodes/video/containers.ts";
import { runFfmpeg } from "../../nodes/video/ffmpeg.ts";

/** An API prompt as ComfyUI's default graph has it (text with ffmetadata's special characters). */
export const PROMPT = {
  "3": { class_type: "KSampler", inputs: { seed: 156680208700286, steps: 20, cfg: 8, sampler_name: "euler", scheduler: "normal", denoise: 1, model: ["4", 0], positive: ["6", 0], negative: ["7", 0], latent_image: ["5", 0] } },
  "4": { class_type: "CheckpointLoaderSimple", inputs: { ckpt_name: "v1-5-pruned-emaonly.safetensors" } },
  "5": { class_type: "EmptyLatentImage", inputs: { width: 512, height: 512, batch_size: 1 } },
  "6": { class_type: "CLIPTextEncode", inputs: { text: "a café at night; #1 = best\\ever", clip: ["4", 1] } },
  "7": { class_type: "CLIPTextEncode", inputs: { text: "blurry", clip: ["4", 1] } },
  "8": { class_type: "VAEDecode", inputs: { samples: ["3", 0], vae: ["4", 2] } },
} as const;

/** A UI-format (litegraph) workflow, trimmed to what identifies it. */
export const WORKFLOW = {
  last_node_id: 8,
  last_link_id: 2,
  nodes: [
    { id: 4, type: "CheckpointLoaderSimple", pos: [26, 474], size: [315, 98], flags: {}, order: 0, mode: 0, outputs: [{ name: "MODEL", type: "MODEL", links: [1] }], properties: {}, widgets_values: ["v1-5-pruned-emaonly.safetensors"] },
    { id: 3, type: "KSampler", pos: [863, 186], size: [315, 262], flags: {}, order: 1, mode: 0, inputs: [{ name: "model", type: "MODEL", link: 1 }], properties: {}, widgets_values: [156680208700286, "randomize", 20, 8, "euler", "normal", 1] },
  ],
  links: [[1, 4, 0, 3, 0, "MODEL"]],
  groups: [],
  config: {},
  extra: { ds: { scale: 1, offset: [0, 0] } },
  version: 0.4,
};

// ---- PNG ----

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One chunk: length, type, data, CRC over type and data. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** keyword NUL text: tEXt as SaveImage writes it, or "comf" as SaveAnimatedPNG does. */
export const keyed = (type: "tEXt" | "comf", keyword: string, text: string) => pngChunk(type, Buffer.from(`${keyword}\0${text}`, "latin1"));
export const ztxt = (keyword: string, text: string) => pngChunk("zTXt", Buffer.concat([Buffer.from(`${keyword}\0\0`, "latin1"), deflateSync(Buffer.from(text, "latin1"))]));
export const itxt = (keyword: string, text: string) => pngChunk("iTXt", Buffer.concat([Buffer.from(`${keyword}\0\0\0\0\0`, "latin1"), Buffer.from(text, "utf8")]));

export const plainPng = () => sharp({ create: { width: 8, height: 8, channels: 3, background: "#3060c0" } }).png().toBuffer();

/** Inserts chunks after IHDR (where PIL writes text) or, with `afterIdat`, just before IEND. */
export function withPngChunks(png: Buffer, chunks: Buffer[], o: { afterIdat?: boolean } = {}): Buffer {
  const at = o.afterIdat ? png.length - 12 : 8 + 12 + png.readUInt32BE(8);
  return Buffer.concat([png.subarray(0, at), ...chunks, png.subarray(at)]);
}

/** A PNG as SaveImage writes it: "prompt" then the extra_pnginfo entries, in tEXt. */
export async function comfyPng(meta: { prompt?: unknown; workflow?: unknown }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  if (meta.prompt !== undefined) chunks.push(keyed("tEXt", "prompt", asciiJson(meta.prompt)));
  if (meta.workflow !== undefined) chunks.push(keyed("tEXt", "workflow", asciiJson(meta.workflow)));
  return withPngChunks(await plainPng(), chunks);
}

// ---- WebP ----

/** Three 8×8 frames, as an animated WebP (VP8X + ANIM + ANMF). */
export function animatedWebp(): Promise<Buffer> {
  const rgb = Buffer.alloc(8 * 24 * 3);
  for (let i = 0; i < rgb.length; i += 3) rgb.set([(i * 7) % 256, 120, 200], i);
  return sharp(rgb, { raw: { width: 8, height: 24, channels: 3, pageHeight: 8 } }).webp({ loop: 0, delay: [100, 100, 100], lossless: true }).toBuffer();
}

/** A TIFF block with one IFD of ASCII entries, as PIL's Exif.tobytes() lays it out. */
export function exifBlock(entries: [number, string][], o: { bigEndian?: boolean; prefix?: boolean } = {}): Buffer {
  const le = !o.bigEndian;
  const u16 = (v: number) => {
    const b = Buffer.alloc(2);
    if (le) b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    return b;
  };
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    if (le) b.writeUInt32LE(v);
    else b.writeUInt32BE(v);
    return b;
  };
  const sorted = [...entries].sort((a, b) => a[0] - b[0]);
  const ifdEnd = 8 + 2 + 12 * sorted.length + 4;
  const values: Buffer[] = [];
  const ifd: Buffer[] = [u16(sorted.length)];
  let at = ifdEnd;
  for (const [tag, text] of sorted) {
    const value = Buffer.from(`${text}\0`, "utf8");
    const inline = value.length <= 4;
    ifd.push(u16(tag), u16(2), u32(value.length), inline ? Buffer.concat([value, Buffer.alloc(4 - value.length)]) : u32(at));
    if (!inline) {
      values.push(value);
      at += value.length;
    }
  }
  ifd.push(u32(0));
  const header = Buffer.concat([Buffer.from(le ? "II" : "MM", "latin1"), u16(42), u32(8)]);
  return Buffer.concat([o.prefix ? Buffer.from("Exif\0\0", "latin1") : Buffer.alloc(0), header, ...ifd, ...values]);
}

/** Appends an EXIF chunk, sets VP8X's EXIF flag when there is a VP8X, and fixes the RIFF size. */
export function withWebpExif(webp: Buffer, exif: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeUInt32LE(exif.length);
  const chunk = Buffer.concat([Buffer.from("EXIF", "latin1"), size, exif, Buffer.alloc(exif.length & 1)]);
  const out = Buffer.concat([webp, chunk]);
  if (out.toString("latin1", 12, 16) === "VP8X") out[20] |= 0x08;
  out.writeUInt32LE(out.length - 8, 4);
  return out;
}

/** IFD0 strings as SaveAnimatedWEBP sets them: prompt in 0x0110 (Model), extras from 0x010F (Make) down. */
export function comfyExifEntries(meta: { prompt?: unknown; workflow?: unknown }): [number, string][] {
  const entries: [number, string][] = [];
  if (meta.prompt !== undefined) entries.push([0x0110, `prompt:${asciiJson(meta.prompt)}`]);
  if (meta.workflow !== undefined) entries.push([0x010f, `workflow:${asciiJson(meta.workflow)}`]);
  return entries;
}

// ---- MP4 / WebM ----

const clipArgs = (container: string) => [
  "-f", "lavfi", "-i", "testsrc=s=16x16:d=0.2:r=5",
  ...(container === "webm" || container === "mkv" ? ["-c:v", "libvpx", "-b:v", "100k"] : ["-c:v", "libx264", "-pix_fmt", "yuv420p"]),
];

/** A clip whose container tags are `tags`; MP4/MOV with mdta keys, as SaveVideo asks PyAV for. */
export async function videoWithTags(file: string, tags: Record<string, string>): Promise<void> {
  const container = file.slice(file.lastIndexOf(".") + 1);
  const movflags = container === "mp4" || container === "mov" ? ["-movflags", "use_metadata_tags"] : [];
  const meta = Object.entries(tags).flatMap(([k, v]) => ["-metadata", `${k}=${v}`]);
  await runFfmpeg({ args: ["-v", "error", ...clipArgs(container), ...movflags, ...meta, "-y", file] });
}

/**
 * A clip as VHS_VideoCombine writes one: one `comment` tag holding
 * {"prompt": "<prompt as JSON text>", "workflow": {...}}. VHS hands it to ffmpeg in an ffmetadata
 * file; the tag comes out the same from -metadata, which also spares the 1 KiB line limit of the
 * ffmetadata reader in older ffmpeg builds (the one @ffmpeg-installer ships has it).
 */
export async function vhsVideo(file: string, meta: { prompt?: unknown; workflow?: unknown }): Promise<void> {
  const fields: Record<string, unknown> = {};
  if (meta.prompt !== undefined) fields.prompt = asciiJson(meta.prompt);
  if (meta.workflow !== undefined) fields.workflow = meta.workflow;
  const container = file.slice(file.lastIndexOf(".") + 1);
  await runFfmpeg({ args: ["-v", "error", ...clipArgs(container), "-metadata", `comment=${asciiJson(fields)}`, "-metadata", "creation_time=now", "-y", file] });
}
