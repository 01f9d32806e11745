// Files in the output / input / temp folders: GET /view and POST /upload/image, never outside them.
import { existsSync } from "node:fs";
import { mkdir, realpath, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import express, { Router, type Request } from "express";
import { z } from "zod";
import { checkFileName, resolveInside, UnsafePathError } from "../security.ts";
import { HttpError, parseQuery, type ServerContext } from "./common.ts";

const folderType = z.enum(["output", "input", "temp"]);
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
