// The studio server: ComfyUI-compatible HTTP + WebSocket API, durable queue, the editor at `/`.
// createApp() starts one in-process (tests, benchmarks: port 0); startServer() is `t2v serve`.
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import express, { type RequestHandler } from "express";
import pino from "pino";
import { builtinNodes } from "../nodes/index.ts";
import type { Logger, Services } from "../core/node/definition.ts";
import type { ServeOptions } from "./cli/serve.ts";
import { createEngine, createRegistry, type Engine, type Registry } from "../core/engine/index.ts";
import { customNodeDirs, loadCustomNodes, type NodePackReport } from "./custom-nodes.ts";
import { errorHandler, HttpError, type ProvenanceReader, type ServerContext } from "./http/common.ts";
import { editorRoutes } from "./http/editor.ts";
import { fileRoutes } from "./http/files.ts";
import { infoRoutes, serverFeatures } from "./http/info.ts";
import { readProvenance } from "../nodes/video/provenance.ts";
import { provenanceRoutes } from "./http/provenance.ts";
import { queueRoutes } from "./http/queue.ts";
import { workflowRoutes } from "./http/workflows.ts";
import { openJobStore, type JobStore } from "./queue/store.ts";
import { createRedisRunner } from "./queue/redis-runner.ts";
import { queueUrlSchema, showUrl } from "./queue/redis-link.ts";
import type { JobRunner } from "./queue/runner.ts";
import { createWorker } from "./queue/worker.ts";
import { checkExposure, checkSite, checkToken, TOKEN_COOKIE, type AccessPolicy } from "./security.ts";
import { createServices, modelDirsFrom, type ServiceOptions } from "./services.ts";
import { createHub, type Hub } from "./ws/hub.ts";
import { createPreviewEncoder, type PreviewEncoder } from "./ws/preview.ts";
import { attachWebSocket } from "./ws/socket.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const VERSION = (createRequire(import.meta.url)("../package.json") as { version: string }).version;

export interface AppOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 8188; 0 picks a free port. */
  port?: number;
  listen?: boolean;
  token?: string;
  corsOrigin?: string[];
  /** queue.sqlite and the user's workflows; default ./data. */
  dataDir?: string;
  /** Done jobs kept in history; default 1000. */
  historyMax?: number;
  /** The built-in nodes; default nodes/index.ts's over services.modelRoots. */
  registry?: Registry;
  /** Folders of custom node packs (server/custom-nodes.ts), loaded after `registry`'s nodes. */
  customNodeDirs?: string[];
  /** How long one pack may take to load; default 10 s. */
  customNodeTimeoutMs?: number;
  /** Default: createServices(serviceOptions). */
  services?: Services;
  serviceOptions?: ServiceOptions;
  logger?: Logger;
  /** Quiet time after which a busy server sends a status to a client; default 5000 ms. */
  keepaliveMs?: number;
  /** JSON body limit; default 16 MiB. Uploads: maxUploadBytes, default 100 MiB. */
  maxBodyBytes?: number;
  maxUploadBytes?: number;
  /** Default client/dist. */
  editorDir?: string;
  /** The shipped library; default workflows/. */
  workflowsDir?: string;
  /** Default: the video writer's, when present. */
  readProvenance?: ProvenanceReader;
  /** Start without taking jobs (call app.worker.start()). */
  paused?: boolean;
  /** redis://… or rediss://…: jobs go on a BullMQ queue for `t2v worker`s (server/queue/redis-runner.ts). */
  queue?: string;
}

export interface App {
  server: Server;
  url: string;
  engine: Engine;
  queue: JobStore;
  /** The embedded queue's job loop, or the Redis queue's relay. */
  worker: JobRunner;
  hub: Hub;
  previews: PreviewEncoder;
  /** The custom node packs found, loaded or skipped (GET /api/custom_nodes). */
  customNodes: NodePackReport[];
  /** Graceful: stops taking jobs, interrupts and re-queues the running one, closes sockets and the database. */
  close(): Promise<void>;
}

const silent: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** Host/Origin checks and CORS for allowed origins; preflights answered here. */
function siteGuard(policy: AccessPolicy): RequestHandler {
  return (req, res, next) => {
    const v = checkSite(req, policy);
    if (!v.ok) return void res.status(v.status).json({ error: { type: "forbidden", message: v.reason } });
    if (v.cors) {
      res.setHeader("Access-Control-Allow-Origin", v.cors);
      res.setHeader("Vary", "Origin");
      res.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
      res.setHeader("Access-Control-Allow-Headers", "Content-Type, Authorization");
    }
    if (req.method === "OPTIONS") return void res.sendStatus(v.cors ? 204 : 403);
    next();
  };
}

function tokenGuard(policy: AccessPolicy): RequestHandler {
  return (req, res, next) => {
    const v = checkToken(req, policy);
    if (!v.ok) return void res.status(v.status).json({ error: { type: "unauthorized", message: v.reason } });
    next();
  };
}

/**
 * A valid ?token= (the printed URL) becomes a same-site cookie, so the editor's fetches, its
 * WebSocket and <video src=/view…> carry it without the token in every URL.
 */
function rememberToken(policy: AccessPolicy): RequestHandler {
  return (req, res, next) => {
    const v = checkToken(req, policy);
    if (v.ok && v.via === "query" && policy.token) res.cookie(TOKEN_COOKIE, policy.token, { httpOnly: true, sameSite: "strict", path: "/" });
    next();
  };
}

export async function createApp(opts: AppOptions = {}): Promise<App> {
  const policy: AccessPolicy = { host: opts.host ?? "127.0.0.1", listen: opts.listen ?? false, token: opts.token, corsOrigin: opts.corsOrigin ?? [] };
  checkExposure(policy);
  const logger = opts.logger ?? silent;
  const services = opts.services ?? createServices(opts.serviceOptions);
  const builtins = opts.registry ?? createRegistry(builtinNodes(services.modelRoots));
  const { registry, packs: customNodes } = opts.customNodeDirs?.length
    ? await loadCustomNodes(opts.customNodeDirs, builtins.list(), logger, { timeoutMs: opts.customNodeTimeoutMs })
    : { registry: builtins, packs: [] };
  const dataDir = path.resolve(opts.dataDir ?? "data");
  const maxUploadBytes = opts.maxUploadBytes ?? 100 * 1024 * 1024;

  const queueUrl = opts.queue === undefined ? undefined : queueUrlSchema.safeParse(opts.queue);
  if (queueUrl && !queueUrl.success) throw new Error(`--queue: ${queueUrl.error.issues[0]?.message ?? "not a Redis URL"}`);
  // With Redis, BullMQ hands a job whose worker died to another: no re-queue at start-up here.
  const store = openJobStore({ dataDir, historyMax: opts.historyMax, recover: queueUrl === undefined });
  if (store.recovered.requeued.length + store.recovered.failed.length > 0) logger.warn(store.recovered, "jobs left running by the last process");
  const engine = createEngine({ registry, services, logger });
  const hub = createHub({
    logger,
    keepaliveMs: opts.keepaliveMs,
    status: () => runner.status(),
    serverFeatures: () => serverFeatures(maxUploadBytes),
    onMessage(client, m) {
      if (m.type === "patch") {
        if (!runner.patch(m.data.prompt_id, m.data.node, m.data.values)) {
          hub.sendTo(client, { type: "protocol_error", data: { message: `data.prompt_id: job ${m.data.prompt_id} is not running`, in_reply_to: "patch" } });
        }
        return;
      }
      const id: unknown = m.data.prompt_id;
      runner.interrupt(typeof id === "string" ? id : undefined);
    },
  });
  const previews = createPreviewEncoder({ logger, deliver: (frames, sid) => hub.preview(frames, sid) });
  let runner: JobRunner;
  try {
    runner = queueUrl ? await createRedisRunner({ url: queueUrl.data, store, hub, services, logger }) : createWorker({ store, engine, hub, previews, logger });
  } catch (err) {
    hub.close();
    store.close();
    throw err;
  }

  const ctx: ServerContext = {
    engine,
    registry,
    services,
    store,
    runner,
    hub,
    logger,
    dataDir,
    shippedWorkflowsDir: path.resolve(opts.workflowsDir ?? path.join(ROOT, "workflows")),
    userWorkflowsDir: path.join(dataDir, "workflows"),
    maxUploadBytes,
    readProvenance: opts.readProvenance ?? readProvenance,
    version: VERSION,
    customNodes,
  };

  const app = express();
  app.disable("x-powered-by");
  app.use(siteGuard(policy));
  app.use(rememberToken(policy));
  app.use(editorRoutes(path.resolve(opts.editorDir ?? path.join(ROOT, "client/dist"))));
  app.use(tokenGuard(policy));
  const api = express.Router();
  api.use(provenanceRoutes(ctx)); // reads its body raw: before the JSON parser
  // JSON whatever the Content-Type (ComfyUI scripts post with urllib's form type); multipart stays raw.
  api.use(express.json({ type: (req) => !(req.headers["content-type"] ?? "").startsWith("multipart/"), limit: opts.maxBodyBytes ?? 16 * 1024 * 1024 }));
  api.use(queueRoutes(ctx), infoRoutes(ctx), fileRoutes(ctx), workflowRoutes(ctx));
  app.use("/api", api);
  app.use(api);
  app.use(() => {
    throw new HttpError(404, "no such route", "not_found");
  });
  app.use(errorHandler(logger));

  const server = createServer(app);
  const wss = attachWebSocket({
    server,
    hub,
    policy,
    onOpen(client) {
      // A client reconnecting mid-job learns which node is running, as in ComfyUI.
      for (const running of runner.running()) if (running.node && running.clientId === client.sid) hub.sendTo(client, { type: "executing", data: { node: running.node, display_node: running.node, prompt_id: running.id } });
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(opts.port ?? 8188, policy.host, () => resolve());
    });
  } catch (err) {
    await runner.stop();
    hub.close();
    store.close();
    throw err;
  }
  const addr = server.address() as AddressInfo;
  const shownHost = policy.host === "0.0.0.0" || policy.host === "::" ? "127.0.0.1" : policy.host.includes(":") ? `[${policy.host}]` : policy.host;
  if (!opts.paused) runner.start();

  let closing: Promise<void> | undefined;
  return {
    server,
    url: `http://${shownHost}:${addr.port}`,
    engine,
    queue: store,
    worker: runner,
    hub,
    previews,
    customNodes,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await runner.stop();
        hub.close();
        wss.close();
        server.closeAllConnections();
        await closed;
        store.close();
      })();
      return closing;
    },
  };
}

/** `t2v serve`: start, print the URL, shut down gracefully on SIGINT/SIGTERM. */
export async function startServer(opts: ServeOptions): Promise<App> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? "info" });
  const { customNodes, models, outputDir, inputDir, ...rest } = opts;
  const modelDirs = modelDirsFrom(models);
  const app = await createApp({ ...rest, logger, customNodeDirs: customNodeDirs(customNodes), serviceOptions: { outputDir, inputDir, modelDirs } });
  const pending = app.queue.remaining();
  process.stdout.write(`t2v studio: ${app.url}/${opts.token ? `?token=${encodeURIComponent(opts.token)}` : ""}\n`);
  if (opts.listen) process.stdout.write(`listening on ${opts.host}:${new URL(app.url).port} for other machines (token required)\n`);
  if (pending > 0) process.stdout.write(`${pending} job(s) in the queue from before\n`);
  if (opts.queue) process.stdout.write(`jobs go to the Redis queue ${showUrl(new URL(opts.queue))}; start workers with: t2v worker --queue <the same URL>\n`);
  for (const dir of modelDirs) if (!existsSync(dir)) process.stdout.write(`models folder ${path.resolve(dir)} does not exist (yet); packs copied there later are found\n`);
  const skipped = app.customNodes.filter((p) => p.status === "failed");
  if (app.customNodes.length > 0) process.stdout.write(`custom node packs: ${app.customNodes.length - skipped.length} loaded, ${skipped.length} skipped${skipped.length ? ` (${skipped.map((p) => p.name).join(", ")}; see /api/custom_nodes)` : ""}\n`);
  let signals = 0;
  const stop = (signal: string) => {
    if (++signals > 1) process.exit(1); // a second Ctrl-C: do not wait
    process.stdout.write(`${signal}: stopping (the running job is re-queued)…\n`);
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  return app;
}
