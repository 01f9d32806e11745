// Safe output naming: a user's filename_prefix can only name files (and subfolders) inside the
// output folder, and a new file never replaces an existing one.
import { mkdir, open, readdir, realpath, unlink } from "node:fs/promises";
import path from "node:path";
import type { FileRef } from "../../core/node/definition.ts";

const FIELD = "filename_prefix";
const MAX_PREFIX = 200;
/** Characters kept as they are; anything else in a name becomes "_". */
const ODD = /[^\p{L}\p{N} ._-]/gu;

export class PrefixError extends Error {
  constructor(message: string) {
    super(`${FIELD}: ${message}`);
    this.name = "PrefixError";
  }
}

export interface ParsedPrefix {
  /** Subfolders under the output folder ("" for none), always with "/" separators. */
  subfolder: string;
  /** The base name the counter is appended to. */
  name: string;
}

/**
 * Checks and cleans a filename prefix. Refused (PrefixError naming the field): empty, control
 * characters (NUL included), absolute paths, drive letters, "~", "." or ".." segments.
 * Sanitised: characters outside letters, digits, space, "._-" become "_"; leading dots and
 * trailing dots/spaces of a segment are dropped. "/" or "\" separate subfolders.
 */
export function parsePrefix(prefix: string): ParsedPrefix {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(prefix)) throw new PrefixError("contains a control character (NUL, newline, …); use letters, digits, space, . _ -");
  const unified = prefix.replace(/\\/g, "/").trim();
  if (unified === "") throw new PrefixError("is empty");
  if (unified.length > MAX_PREFIX) throw new PrefixError(`is longer than ${MAX_PREFIX} characters`);
  if (unified.startsWith("/") || /^[A-Za-z]:/.test(unified) || unified.startsWith("~")) {
    throw new PrefixError(`"${prefix}" is an absolute path; it must be relative to the output folder (e.g. "clips/run")`);
  }
  const raw = unified.split("/").filter((s) => s !== "");
  if (raw.some((s) => s === "." || s === "..")) {
    throw new PrefixError(`"${prefix}" steps out of the output folder ("." and ".." are not allowed); subfolders like "clips/run" are`);
  }
  const segments = raw.map((s) => {
    const clean = s.replace(ODD, "_").replace(/^[.\s]+/, "").replace(/[.\s]+$/, "");
    if (clean === "") throw new PrefixError(`segment "${s}" has no usable characters`);
    return clean;
  });
  const name = segments.pop() as string;
  return { subfolder: segments.join("/"), name };
}

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** Creates the prefix's subfolder and proves it is inside the output folder, symlinks resolved. */
async function targetDir(outputDir: string, subfolder: string): Promise<string> {
  const root = path.resolve(outputDir);
  const dir = path.resolve(root, subfolder);
  if (!isInside(root, dir)) throw new PrefixError(`"${subfolder}" resolves outside the output folder`);
  await mkdir(dir, { recursive: true });
  const [realRoot, realDir] = await Promise.all([realpath(root), realpath(dir)]);
  if (!isInside(realRoot, realDir)) throw new PrefixError(`"${subfolder}" leads outside the output folder through a link`);
  return dir;
}

/** The next counter after every "<name>_<digits>…" already in the folder (any extension). */
async function nextCounter(dir: string, name: string): Promise<number> {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`^${escaped}_(\\d{5,})(?:\\.|$)`);
  let max = 0;
  for (const entry of await readdir(dir)) {
    const m = re.exec(entry);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max + 1;
}

export interface Reserved {
  /** Absolute path of the new, empty file (or folder). */
  path: string;
  ref: FileRef;
}

/**
 * Reserves "<output>/<subfolder>/<name>_<00001>.<ext>": created empty with O_EXCL, so two writers
 * (or a file already there) can never share a name. The caller fills it or calls release().
 */
export async function reserveFile(outputDir: string, prefix: string, ext: string): Promise<Reserved> {
  const { subfolder, name } = parsePrefix(prefix);
  const dir = await targetDir(outputDir, subfolder);
  for (let n = await nextCounter(dir, name); ; n++) {
    const filename = `${name}_${String(n).padStart(5, "0")}.${ext}`;
    const full = path.join(dir, filename);
    try {
      const fh = await open(full, "wx");
      await fh.close();
      return { path: full, ref: { filename, subfolder, type: "output" } };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
}

/** Reserves a new folder "<output>/<subfolder>/<name>_<00001>/" (mkdir fails if it exists). */
export async function reserveFolder(outputDir: string, prefix: string): Promise<Reserved> {
  const { subfolder, name } = parsePrefix(prefix);
  const dir = await targetDir(outputDir, subfolder);
  for (let n = await nextCounter(dir, name); ; n++) {
    const filename = `${name}_${String(n).padStart(5, "0")}`;
    const full = path.join(dir, filename);
    try {
      await mkdir(full);
      return { path: full, ref: { filename, subfolder, type: "output" } };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
}

/** Removes a reserved file after a failed write; never throws. */
export async function release(r: Reserved): Promise<void> {
  await unlink(r.path).catch(() => {});
}
