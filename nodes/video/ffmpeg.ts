// Finding and driving the ffmpeg binary: frames go in on stdin, tags come out as ffmetadata.
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Writable } from "node:stream";

/** Where the binary came from, for messages. */
export interface FfmpegBinary {
  path: string;
  source: "T2V_FFMPEG" | "@ffmpeg-installer/ffmpeg" | "PATH";
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  const exts = process.platform === "win32" ? [".exe", ""] : [""];
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    for (const ext of exts) {
      const file = path.join(dir, name + ext);
      if (dir !== "" && executable(file)) return file;
    }
  }
  return undefined;
}

/**
 * T2V_FFMPEG when set, else the binary shipped in @ffmpeg-installer/ffmpeg (same encoders on every
 * install), else `ffmpeg` on PATH (e.g. Debian's). Throws a message that says how to fix it.
 */
export function locateFfmpeg(): FfmpegBinary {
  const env = process.env.T2V_FFMPEG;
  if (env) {
    if (!executable(env)) throw new Error(`T2V_FFMPEG=${env} is not an executable file`);
    return { path: env, source: "T2V_FFMPEG" };
  }
  try {
    const shipped = (createRequire(import.meta.url)("@ffmpeg-installer/ffmpeg") as { path: string }).path;
    if (executable(shipped)) return { path: shipped, source: "@ffmpeg-installer/ffmpeg" };
  } catch {
    // no build for this platform: fall through to PATH
  }
  const system = onPath("ffmpeg");
  if (system) return { path: system, source: "PATH" };
  throw new Error("ffmpeg not found: reinstall @ffmpeg-installer/ffmpeg, install ffmpeg (e.g. apt install ffmpeg) or set T2V_FFMPEG");
}

export interface FfmpegRun {
  args: string[];
  /** Writes the input to ffmpeg's stdin; the stream is ended afterwards. */
  feed?: (stdin: Writable) => Promise<void>;
  signal?: AbortSignal;
}

/** Runs ffmpeg; resolves with stdout, rejects with the tail of stderr (or the abort reason). */
export function runFfmpeg(run: FfmpegRun): Promise<Buffer> {
  const bin = locateFfmpeg();
  return new Promise((resolve, reject) => {
    run.signal?.throwIfAborted();
    const child = spawn(bin.path, ["-hide_banner", "-nostdin", ...run.args], { stdio: [run.feed ? "pipe" : "ignore", "pipe", "pipe"] });
    // -nostdin stops ffmpeg reading keys from stdin; "-i pipe:0" still reads frames from it.
    const out: Buffer[] = [];
    let err = "";
    let settled = false;
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      child.kill("SIGKILL");
      reject(e);
    };
    const onAbort = () => fail(run.signal?.reason ?? new Error("aborted"));
    run.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout?.on("data", (b: Buffer) => out.push(b));
    child.stderr?.on("data", (b: Buffer) => {
      err = (err + b.toString()).slice(-4000);
    });
    child.on("error", (e) => fail(new Error(`could not start ffmpeg (${bin.path}): ${e.message}`)));
    child.on("close", (code) => {
      run.signal?.removeEventListener("abort", onAbort);
      if (settled) return;
      settled = true;
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new Error(`ffmpeg (${bin.source}) exited with ${code}: ${err.trim() || "no message"}`));
    });
    if (run.feed && child.stdin) {
      const stdin = child.stdin;
      // EPIPE when ffmpeg quits early: its exit code and stderr tell the real story.
      stdin.on("error", () => {});
      run.feed(stdin).then(
        () => stdin.end(),
        (e: unknown) => fail(e),
      );
    }
  });
}

/** Writes one chunk, waiting for the pipe to drain when it is full. */
export function writeChunk(stream: Writable, chunk: Uint8Array): Promise<void> {
  if (stream.destroyed) return Promise.reject(new Error("ffmpeg closed its input early"));
  if (stream.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      stream.off("drain", done);
      stream.off("close", closed);
      resolve();
    };
    const closed = () => {
      stream.off("drain", done);
      reject(new Error("ffmpeg closed its input early"));
    };
    stream.once("drain", done);
    stream.once("close", closed);
  });
}

/** Parses ffmetadata text: `key=value` lines, where "\\" escapes "=", ";", "#", "\\" and newlines. */
function parseFfmetadata(text: string): { key: string; value: string }[] {
  const entries: { key: string; value: string }[] = [];
  let i = text.indexOf("\n") + 1; // skip ";FFMETADATA1"
  while (i < text.length) {
    if (text[i] === "[") break; // stream and chapter sections follow the global tags
    if (text[i] === ";" || text[i] === "#" || text[i] === "\n") {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? text.length : nl + 1;
      continue;
    }
    let key = "";
    let value = "";
    let inValue = false;
    for (; i < text.length && text[i] !== "\n"; i++) {
      let c = text[i];
      if (c === "\\" && i + 1 < text.length) c = text[++i];
      else if (c === "=" && !inValue) {
        inValue = true;
        continue;
      }
      if (inValue) value += c;
      else key += c;
    }
    i++;
    if (inValue) entries.push({ key, value });
  }
  return entries;
}

/** The file's global tags (MP4 / WebM / …), keys lower-cased (Matroska stores them upper-case). */
export async function readTags(file: string, signal?: AbortSignal): Promise<Map<string, string>> {
  const out = await runFfmpeg({ args: ["-v", "error", "-i", file, "-f", "ffmetadata", "-"], signal });
  return new Map(parseFfmetadata(out.toString("utf8")).map((e) => [e.key.toLowerCase(), e.value]));
}
