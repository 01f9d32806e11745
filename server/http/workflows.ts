// The workflow library: shipped workflows/ (read-only) and the user's <dataDir>/workflows.
// A user workflow with a shipped one's name shadows it; `?source=shipped` reads the original.
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { Router } from "express";
import { z } from "zod";
import { loadWorkflow, parseWorkflow, toComfyUi, WorkflowFormatError } from "../../core/engine/index.ts";
import { resolveInside } from "../security.ts";
import { HttpError, parseQuery, type ServerContext } from "./common.ts";

const NAME = /^[\w][\w ()+,=@-]*(\.[\w ()+,=@-]+)*$/;
type Source = "user" | "shipped";

/** "My flow.json" or "My flow" → "My flow"; refuses separators, "..", NUL and leading dots. */
export function workflowName(raw: string): string {
  const name = raw.endsWith(".json") ? raw.slice(0, -5) : raw;
  if (name.length === 0 || name.length > 120 || !NAME.test(name)) {
    throw new HttpError(400, `workflow name "${raw.replace(/[^\x20-\x7e]/g, "?")}" refused: use letters, digits, spaces and _-()+,=@. (no slashes, no leading dot)`, "invalid_name");
  }
  return name;
}

interface Entry {
  name: string;
  source: Source;
  title: string;
  description: string;
  modified: number;
  size: number;
}

async function listDir(dir: string, source: Source): Promise<Entry[]> {
  if (!existsSync(dir)) return [];
  const out: Entry[] = [];
  for (const f of await readdir(dir)) {
    if (!f.endsWith(".json") || !NAME.test(f.slice(0, -5))) continue;
    const file = path.join(dir, f);
    try {
      const [s, text] = await Promise.all([stat(file), readFile(file, "utf8")]);
      const doc = JSON.parse(text) as { metadata?: { title?: unknown; description?: unknown } };
      const title = typeof doc.metadata?.title === "string" ? doc.metadata.title : "";
      const description = typeof doc.metadata?.description === "string" ? doc.metadata.description : "";
      out.push({ name: f.slice(0, -5), source, title, description, modified: s.mtimeMs, size: s.size });
    } catch {
      // unreadable or not JSON: not offered
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

const getQuery = z.looseObject({ source: z.enum(["user", "shipped"]).optional() });

export function workflowRoutes(ctx: ServerContext): Router {
  const r = Router();
  const dirs: Record<Source, string> = { user: ctx.userWorkflowsDir, shipped: ctx.shippedWorkflowsDir };
  const fileOf = (source: Source, name: string) => resolveInside(dirs[source], `${name}.json`);

  // Any workflow document → ComfyUI's UI format (0.4), to open in ComfyUI or share where it is read.
  r.post("/workflow/comfyui", (req, res) => {
    try {
      res.json(toComfyUi(loadWorkflow(req.body, ctx.registry), ctx.registry));
    } catch (err) {
      if (!(err instanceof WorkflowFormatError)) throw err;
      throw new HttpError(400, `bad request body: ${err.issues.join("; ")}`);
    }
  });
  r.get("/workflows", async (_req, res) => {
    const [user, shipped] = await Promise.all([listDir(dirs.user, "user"), listDir(dirs.shipped, "shipped")]);
    res.json([...user, ...shipped]);
  });

  r.get("/workflows/:name", async (req, res) => {
    const name = workflowName(req.params.name);
    const { source } = parseQuery(getQuery, req);
    const sources: Source[] = source ? [source] : ["user", "shipped"];
    for (const s of sources) {
      const file = fileOf(s, name);
      if (!existsSync(file)) continue;
      res.setHeader("X-Workflow-Source", s);
      res.type("application/json").send(await readFile(file, "utf8"));
      return;
    }
    throw new HttpError(404, `no workflow "${name}"`, "not_found");
  });

  // Saves (creates or replaces) a user workflow; stored migrated to the current version.
  r.put("/workflows/:name", async (req, res) => {
    const name = workflowName(req.params.name);
    let wf;
    try {
      wf = parseWorkflow(req.body, ctx.registry);
    } catch (err) {
      if (err instanceof WorkflowFormatError) throw new HttpError(400, `bad request body: ${err.issues.join("; ")}`, "invalid_workflow");
      throw err;
    }
    await mkdir(dirs.user, { recursive: true });
    const file = fileOf("user", name);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(wf, null, 2)}\n`);
    await rename(tmp, file); // never a half-written workflow
    res.json({ name, source: "user", version: wf.version });
  });

  r.delete("/workflows/:name", async (req, res) => {
    const name = workflowName(req.params.name);
    const file = fileOf("user", name);
    if (existsSync(file)) {
      await unlink(file);
      res.json({ name, deleted: true });
      return;
    }
    if (existsSync(fileOf("shipped", name))) throw new HttpError(403, `"${name}" is a shipped workflow and read-only`, "read_only");
    throw new HttpError(404, `no workflow "${name}"`, "not_found");
  });

  return r;
}
