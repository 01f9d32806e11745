// What every route module gets, and the shared request/response helpers.
import type { ErrorRequestHandler, Request } from "express";
import type { z } from "zod";
import type { Logger, Services } from "../../core/node/definition.ts";
import type { Engine, Registry } from "../../core/engine/index.ts";
import type { NodePackReport } from "../../core/node/catalogue.ts";
import { formatIssues } from "../../core/protocol.ts";
import type { JobStore } from "../queue/store.ts";
import type { JobRunner } from "../queue/runner.ts";
import { UnsafePathError } from "../security.ts";
import type { Hub } from "../ws/hub.ts";

/** Reads the workflow a generated file carries (the video writer's provenance record). */
export type ProvenanceReader = (file: string) => Promise<{ workflow?: unknown; [key: string]: unknown } | undefined>;

export interface ServerContext {
  engine: Engine;
  registry: Registry;
  services: Services;
  store: JobStore;
  runner: JobRunner;
  hub: Hub;
  logger: Logger;
  dataDir: string;
  /** The shipped, read-only workflow library. */
  shippedWorkflowsDir: string;
  /** The user's workflow library (<dataDir>/workflows). */
  userWorkflowsDir: string;
  maxUploadBytes: number;
  readProvenance: ProvenanceReader;
  version: string;
  /** The custom node packs found at start-up, loaded or skipped. */
  customNodes: readonly NodePackReport[];
}

export class HttpError extends Error {
  constructor(
    public readonly status: number,
    message: string,
    public readonly type = "invalid_request",
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** The body, checked against `schema`; a 400 naming the field otherwise. */
export function parseBody<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  const r = schema.safeParse(req.body ?? {});
  if (!r.success) throw new HttpError(400, `bad request body: ${formatIssues(r.error.issues)}`);
  return r.data;
}

export function parseQuery<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  const r = schema.safeParse(req.query);
  if (!r.success) throw new HttpError(400, `bad query: ${formatIssues(r.error.issues)}`);
  return r.data;
}

/** One JSON error shape everywhere: `{error: {type, message}}` (POST /prompt adds ComfyUI's fields). */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    const e = err as { status?: number; type?: string; message?: string };
    let status = 500;
    let type = "internal_error";
    let message = "internal error";
    if (err instanceof HttpError) [status, type, message] = [err.status, err.type, err.message];
    else if (err instanceof UnsafePathError) [status, type, message] = [400, "unsafe_path", err.message];
    else if (e.type === "entity.parse.failed") [status, type, message] = [400, "invalid_json", `request body is not JSON: ${e.message}`];
    else if (e.type === "entity.too.large") [status, type, message] = [413, "too_large", "request body is larger than the server accepts"];
    else if (typeof e.status === "number" && e.status >= 400 && e.status < 500) [status, type, message] = [e.status, "invalid_request", e.message ?? "bad request"];
    else logger.error({ err }, "request failed");
    if (res.headersSent) return;
    res.status(status).json({ error: { type, message } });
  };
}
