// Real processes for the scale-out tests: redis-server on a free port in a temp folder, `t2v serve
// --queue` and `t2v worker`s as child processes. Everything started here is stopped by stopAll().
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
export const bin = path.join(root, "bin/t2v.js");
export const farmNodes = path.join(root, "test/fixtures/farm_nodes");

export interface Proc {
  child: ChildProcessWithoutNullStreams;
  out(): string;
  /** Resolves with the first match of `re` in stdout+stderr so far or to come. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  exited: Promise<number | null>;
  /** SIGTERM (or `signal`), then waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<Proc>();

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function start(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Proc {
  mkdirSync(cwd, { recursive: true });
  const child = spawn(cmd, args, { cwd, env: { ...process.env, LOG_LEVEL: "warn", ...env } });
  let text = "";
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    text += d.toString();
    for (const l of [...listeners]) l();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const p: Proc = {
    child,
    out: () => text,
    exited,
    waitFor(re, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(text);
          if (!m) return;
          cleanup();
          resolve(m);
        };
        const t = setTimeout(() => (cleanup(), reject(new Error(`${path.basename(args[1] ?? cmd)}: no ${re} in ${timeoutMs} ms; output:\n${text}`))), timeoutMs);
        const onExit = () => (cleanup(), reject(new Error(`${cmd} ${args.slice(0, 2).join(" ")} exited before ${re}; output:\n${text}`)));
        const cleanup = () => {
          clearTimeout(t);
          listeners.delete(check);
          child.off("exit", onExit);
        };
        listeners.add(check);
        child.once("exit", onExit);
        check();
      });
    },
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      running.delete(p);
    },
  };
  running.add(p);
  return p;
}

/** redis-server with its append-only file on, in `dir`, on `port` (a free one when not given). */
export async function startRedis(dir: string, port?: number): Promise<{ proc: Proc; port: number; url: string }> {
  const which = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  if (which.status !== 0) throw new Error("redis-server is not installed: run `npm run setup` (it installs Debian's redis-server)");
  const p = port ?? (await freePort());
  const proc = start("redis-server", ["--port", String(p), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "yes", "--daemonize", "no"], dir);
  await proc.waitFor(/Ready to accept connections/, 20_000);
  return { proc, port: p, url: `redis://127.0.0.1:${p}` };
}

export function t2v(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Proc {
  return start(process.execPath, [bin, ...args], cwd, env);
}

/** `t2v serve --port 0 --queue URL …` in `dir`; resolves with its base URL. */
export async function startServe(dir: string, queueUrl: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ proc: Proc; url: string }> {
  const proc = t2v(["serve", "--port", "0", "--queue", queueUrl, "--custom-nodes", farmNodes, ...extra], dir, env);
  const m = await proc.waitFor(/t2v studio: (http:\/\/[^/\s]+)\//);
  await proc.waitFor(/custom node packs: /);
  return { proc, url: m[1]! };
}

/** `t2v worker --queue URL …` in `dir`; resolves once it takes jobs. */
export async function startWorker(dir: string, queueUrl: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ proc: Proc; id: string; banner: string }> {
  const proc = t2v(["worker", "--queue", queueUrl, ...extra], dir, env);
  const m = await proc.waitFor(/t2v worker (\S+): taking jobs/);
  return { proc, id: m[1]!, banner: proc.out() };
}

/** Kills whatever is still running (afterAll), hard. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop("SIGKILL")));
}
