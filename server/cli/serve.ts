// `t2v serve`: parses and checks the options, then hands them to server/app.ts's startServer().
import type { Command } from "commander";
import { z } from "zod";
import { queueUrlSchema } from "../queue/redis-link.ts";
import { collect, parseFlags } from "./flags.ts";

export const serveOptionsSchema = z.object({
  host: z.string().min(1).optional(),
  port: z.coerce.number().int().min(0).max(65535).default(8188),
  /** Accept connections from other machines (binds 0.0.0.0 unless --host says otherwise). */
  listen: z.boolean().default(false),
  token: z.string().min(1).optional(),
  corsOrigin: z.array(z.string()).default([]),
  /** The queue, history and the user's saved workflows; not outputs, inputs or models (below). */
  dataDir: z.string().min(1).default(process.env.T2V_DATA_DIR ?? "data"),
  /** What output nodes write (served by /view). */
  outputDir: z.string().min(1).default("output"),
  /** Uploads (/upload/image) and files nodes read. */
  inputDir: z.string().min(1).default("input"),
  /** Extra model-pack folders, searched after the shipped models/ (T2V_MODEL_DIRS adds more). */
  models: z.array(z.string().min(1)).default([]),
  /** Custom node pack folders; none given: ./custom_nodes when it exists. */
  customNodes: z.array(z.string().min(1)).default([]),
  /** redis://[:password@]host:port[/db] or rediss://…: jobs go to `t2v worker`s through BullMQ. */
  queue: queueUrlSchema.transform((u) => u.href).optional(),
});

/** What startServer(opts) in server/app.ts receives: host is always resolved. */
export type ServeOptions = Omit<z.output<typeof serveOptionsSchema>, "host"> & { host: string };

export function resolveServeOptions(o: z.output<typeof serveOptionsSchema>): ServeOptions {
  return { ...o, host: o.host ?? (o.listen ? "0.0.0.0" : "127.0.0.1"), token: o.token ?? process.env.T2V_TOKEN };
}

export function register(program: Command): void {
  program
    .command("serve")
    .description("start the studio server (editor + API), default http://127.0.0.1:8188")
    .option("--host <host>", "address to bind (default 127.0.0.1, or 0.0.0.0 with --listen)")
    .option("--port <port>", "port", "8188")
    .option("--listen", "accept connections from other machines (needs --token or T2V_TOKEN)")
    .option("--token <token>", "access token for HTTP and WebSocket (or env T2V_TOKEN)")
    .option("--cors-origin <origin...>", "allow cross-site requests from these origins")
    .option("--data-dir <dir>", "queue, history and saved workflows (default ./data or T2V_DATA_DIR)")
    .option("--output-dir <dir>", "where output nodes write (default ./output)")
    .option("--input-dir <dir>", "uploads and files nodes read (default ./input)")
    .option("--models <dir>", "a folder of model packs, after the shipped models/ (repeatable; also T2V_MODEL_DIRS)", collect)
    .option("--queue <url>", "put jobs on a Redis queue for `t2v worker`s: redis://[:password@]host:port[/db] or rediss:// (default: the embedded queue)")
    .option("--custom-nodes <dir>", "a folder of custom node packs (repeatable; default ./custom_nodes if it exists)", collect)
    .action(async (flags: unknown) => {
      const parsed = parseFlags(serveOptionsSchema, flags);
      if (!parsed) return;
      const opts = resolveServeOptions(parsed);
      // Loaded here, not at the top, so `t2v run` never pays for the HTTP stack.
      const { startServer } = await import("../app.ts");
      try {
        await startServer(opts);
      } catch (err) {
        process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
      }
    });
}
