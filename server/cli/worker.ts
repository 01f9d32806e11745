// `t2v worker --queue redis://…`: runs jobs from a studio server's Redis queue on this machine.
import type { Command } from "commander";
import pino from "pino";
import { z } from "zod";
import { builtinNodes } from "../../nodes/index.ts";
import { findPack, type Provider } from "../../nodes/model/pack.ts";
import { DEFAULT_PACK } from "../../nodes/model/roots.ts";
import type { Services } from "../../core/node/definition.ts";
import { createEngine } from "../../core/engine/index.ts";
import { customNodeDirs, loadCustomNodes } from "../custom-nodes.ts";
import { queueUrlSchema, showUrl } from "../queue/redis-link.ts";
import { createServices, modelDirsFrom } from "../services.ts";
import { collect, parseFlags } from "./flags.ts";

export const workerOptionsSchema = z.object({
  queue: queueUrlSchema,
  concurrency: z.coerce.number().int().min(1).max(64).default(1),
  device: z.enum(["cpu", "cuda"]).default("cpu"),
  models: z.array(z.string().min(1)).default([]),
  customNodes: z.array(z.string().min(1)).default([]),
  outputDir: z.string().min(1).default("output"),
  inputDir: z.string().min(1).default("input"),
  /** The output folder is the server's (a shared mount): files are not sent through Redis. */
  sharedOutput: z.boolean().default(false),
  lockMs: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  maxStalls: z.coerce.number().int().min(0).max(100).default(1),
});

/** Opens the default pack on the asked device: which execution provider this machine really gives. */
export async function probeProvider(services: Services, device: Provider): Promise<{ provider: string; note?: string }> {
  const found = findPack(services.modelRoots, DEFAULT_PACK);
  if (!found || found.error) return { provider: device, note: `no "${DEFAULT_PACK}" pack to try the device on` };
  const pack = await services.models.get(found.dir, device, true);
  await pack.encodeText(pack.tokenize("").ids, 1);
  return { provider: pack.provider, ...(pack.notes[0] === undefined ? {} : { note: pack.notes[0] }) };
}

export function register(program: Command): void {
  program
    .command("worker")
    .description("run jobs from a studio server's Redis queue (t2v serve --queue) on this machine")
    .requiredOption("--queue <url>", "the server's queue: redis://[:password@]host:port[/db] or rediss:// (TLS)")
    .option("--concurrency <n>", "jobs at once on this machine", "1")
    .option("--device <device>", "cpu or cuda: every model runs there (falls back to cpu, and says so)", "cpu")
    .option("--models <dir>", "a folder of model packs, after the shipped models/ (repeatable; also T2V_MODEL_DIRS)", collect)
    .option("--custom-nodes <dir>", "a folder of custom node packs (repeatable; default ./custom_nodes if it exists)", collect)
    .option("--output-dir <dir>", "where output nodes write (default ./output)")
    .option("--input-dir <dir>", "files nodes read, e.g. a shared mount of the server's input folder (default ./input)")
    .option("--shared-output", "the output folder is the server's own (shared mount): do not send files through Redis")
    .option("--lock-ms <ms>", "a job whose worker is silent this long goes to another worker", "30000")
    .option("--max-stalls <n>", "times a job may lose its worker before it fails", "1")
    .action(async (flags: unknown) => {
      const o = parseFlags(workerOptionsSchema, flags);
      if (!o) return;
      const logger = pino({ level: process.env.LOG_LEVEL ?? "info" });
      const services = createServices({ outputDir: o.outputDir, inputDir: o.inputDir, modelDirs: modelDirsFrom(o.models), device: o.device });
      const { registry } = await loadCustomNodes(customNodeDirs(o.customNodes), builtinNodes(services.modelRoots), logger);
      const engine = createEngine({ registry, services, logger });
      const { provider, note } = await probeProvider(services, o.device);
      process.stdout.write(`t2v worker: device ${o.device} → execution provider ${provider}${note ? ` (${note})` : ""}\n`);
      const { startRemoteWorker } = await import("../queue/remote-worker.ts");
      let worker;
      try {
        worker = await startRemoteWorker({ url: o.queue, engine, services, logger, concurrency: o.concurrency, device: o.device, provider, sharedOutput: o.sharedOutput, lockMs: o.lockMs, maxStalls: o.maxStalls });
      } catch (err) {
        process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      }
      process.stdout.write(`t2v worker ${worker.id}: taking jobs from ${showUrl(o.queue)} (concurrency ${o.concurrency}${o.sharedOutput ? ", shared output folder" : ""})\n`);
      let signals = 0;
      const stop = (signal: string) => {
        const force = ++signals > 1;
        process.stdout.write(force ? `${signal}: stopping now (running jobs go to another worker)\n` : `${signal}: finishing running jobs, then stopping (again to stop now)…\n`);
        worker.close(force).then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on("SIGINT", () => stop("SIGINT"));
      process.on("SIGTERM", () => stop("SIGTERM"));
    });
}
