// Files in the output / input / temp folders: GET /view, GET /files/input and POST /upload/image,
// never outside them.
import { existsSync } from "node:fs";
import { mkdir, readdir, realpath, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import express, { Router, type Request } from "express";
import { z } from "zod";
import { checkFileName, resolveInside, UnsafePathError } from "../security.ts";
import { HttpError, parseQuery, type ServerContext } from "./common.ts";

const folderType = z.enum(["output", "input", "temp"]);
/** What Load Image and Load Video read, by extension (lower case, no dot). */
export const MEDIA_EXTENSIONS = {
  image: ["png", "jpg", "jpeg", "webp", "gif", "tif", "tiff", "avif"],
  video: ["mp4", "webm", "mov", "mkv", "avi", "m4v", "gif", "webp"],
} as const;
const inputFilesQuery = z.looseObject({ kind: z.enum(["image", "video"]).optional() });
/** At most this many names are listed (the editor's file list, not a file browser). */
const MAX_LISTED = 1000;

const viewQuery = z.looseObject({
  filename: z.string().min(1, "filename is required"),
  subfolder: z.string().default(""),
  type: folderType.default("output"),
});

/** The real path of `parts` inside `root`, following symlinks only if they stay inside. */
export async function realFileInside(root: string, ...parts: string[]): Promise<string> {
  const file = resolveInside(root, ...parts);
  const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)]);
  const rel = path.relative(realRoot, realFile);
  if (rel.startsWith("..") || path.isAbsolute(rel)) throw new UnsafePathError("path leaves its folder");
  return realFile;
}

/** A multipart body (kept raw by express.raw) as web FormData. */
export async function readForm(req: Request): Promise<FormData> {
  const type = req.headers["content-type"] ?? "";
  if (!type.startsWith("multipart/form-data") || !Buffer.isBuffer(req.body)) throw new HttpError(400, "expected a multipart/form-data body");
  try {
    return await new Response(new Uint8Array(req.body), { headers: { "content-type": type } }).formData();
  } catch (err) {
    throw new HttpError(400, `malformed multipart body: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** "name.png" → "name (1).png" until free; ComfyUI's rule. */
function freeName(dir: string, name: string): string {
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  let candidate = name;
  for (let i = 1; existsSync(path.join(dir, candidate)); i++) candidate = `${stem} (${i})${ext}`;
  return candidate;
}

export function multipart(limit: number) {
  return express.raw({ type: (req) => (req.headers["content-type"] ?? "").startsWith("multipart/form-data"), limit });
}

export function fileRoutes(ctx: ServerContext): Router {
  const r = Router();
  const roots = ctx.services.paths;

  r.get("/view", async (req, res) => {
    const q = parseQuery(viewQuery, req);
    checkFileName(q.filename);
    let file: string;
    try {
      file = await realFileInside(roots[q.type], q.subfolder, q.filename);
    } catch (err) {
      if (err instanceof UnsafePathError) throw err;
      throw new HttpError(404, `no file "${q.filename}" in ${q.type}${q.subfolder ? `/${q.subfolder}` : ""}`, "not_found");
    }
    if (!(await stat(file)).isFile()) throw new HttpError(404, `"${q.filename}" is not a file`, "not_found");
    // A user file must never run as a page of this origin (an .html or .svg in the output folder).
    res.setHeader("Content-Security-Policy", "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Content-Disposition", `inline; filename="${path.basename(file).replace(/["\\\r\n]/g, "_")}"`);
    res.sendFile(file, { dotfiles: "allow" });
  });

  // The input folder's files (subfolders as "sub/name"), sorted, optionally only images or videos:
  // the file list of Load Image and Load Video in the editor.
  r.get("/files/input", async (req, res) => {
    const { kind } = parseQuery(inputFilesQuery, req);
    const allowed: readonly string[] | undefined = kind ? MEDIA_EXTENSIONS[kind] : undefined;
    const entries = await readdir(roots.input, { recursive: true, withFileTypes: true }).catch(() => []);
    const files = entries
      .filter((e) => e.isFile() && !e.name.startsWith("."))
      .map((e) => path.relative(roots.input, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
      .filter((name) => !allowed || allowed.includes(path.extname(name).slice(1).toLowerCase()))
      .sort((a, b) => a.localeCompare(b))
      .slice(0, MAX_LISTED);
    res.json({ files });
  });

  r.post("/upload/image", multipart(ctx.maxUploadBytes), async (req, res) => {
    const form = await readForm(req);
    const image = form.get("image");
    if (!(image instanceof File)) throw new HttpError(400, 'bad request body: image: expected a file field named "image"');
    const type = folderType.safeParse(form.get("type") ?? "input");
    if (!type.success) throw new HttpError(400, 'bad request body: type: expected "input", "temp" or "output"');
    const subfolder = String(form.get("subfolder") ?? "");
    const overwrite = ["true", "1"].includes(String(form.get("overwrite") ?? ""));
    const name = checkFileName(image.name);
    const dir = resolveInside(roots[type.data], subfolder);
    await mkdir(dir, { recursive: true });
    const filename = overwrite ? name : freeName(dir, name);
    await writeFile(resolveInside(dir, filename), Buffer.from(await image.arrayBuffer()));
    res.json({ name: filename, subfolder, type: type.data });
  });

  return r;
}
