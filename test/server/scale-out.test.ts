// Scale-out on BullMQ/Redis with everything real: redis-server, `t2v serve --queue`, `t2v worker`
// processes, WebSocket clients. Jobs use the farm test pack (test/fixtures/farm_nodes), which server
// and workers load as any custom node pack, plus one real text-to-video job on the shipped model.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, connect, promptOf, removeDir, type TestClient } from "./helpers.ts";
import { farmNodes, freePort, start, startRedis, startServe, startWorker, stopAll, t2v } from "./farm.ts";
import { queueUrlSchema } from "../../server/queue/redis-link.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
let dir = "";
let redis: Awaited<ReturnType<typeof startRedis>>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "t2v-farm-"));
  mkdirSync(path.join(dir, "redis"));
  redis = await startRedis(path.join(dir, "redis"));
}, 30_000);

afterAll(async () => {
  await stopAll();
  removeDir(dir);
});

const slowSave = (value: number, steps: number, delayMs: number) => ({
  "1": { class_type: "farm.Slow", inputs: { value, steps, delay_ms: delayMs } },
  "2": { class_type: "farm.Save", inputs: { value: ["1", 0] } },
});

async function poll<T>(fn: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

type History = Record<string, { status: { status_str: string; messages: [string, Record<string, unknown>][] }; outputs: Record<string, { images?: { filename: string; subfolder: string; type: string }[] }> }>;

async function historyOf(url: string, ids: readonly string[], timeoutMs = 60_000): Promise<History> {
  return poll(
    async () => {
      const h = (await api(url, "/history")).json as History;
      return ids.every((id) => h[id]) ? h : undefined;
    },
    timeoutMs,
    `${ids.length} jobs in history`,
  );
}

/** The text of the file a farm job saved, fetched through /view. */
async function savedText(url: string, h: History, id: string): Promise<string> {
  const f = h[id]?.outputs["2"]?.images?.[0];
  if (!f) throw new Error(`job ${id} shows no file`);
  const r = await api(url, `/view?filename=${encodeURIComponent(f.filename)}&subfolder=${f.subfolder}&type=${f.type}`);
  expect(r.status, `/view ${f.filename}`).toBe(200);
  return r.text;
}

describe("t2v serve --queue with t2v workers", () => {
  it("runs 6 jobs from two clients on two workers, one killed -9 mid-job: all succeed, each client hears only its own jobs, every file is served", async () => {
    const srv = await startServe(path.join(dir, "s1"), redis.url);
    const flags = ["--custom-nodes", farmNodes, "--lock-ms", "2000"];
    const workers = await Promise.all([startWorker(path.join(dir, "w1"), redis.url, flags), startWorker(path.join(dir, "w2"), redis.url, flags)]);
    expect(workers[0].banner).toMatch(/device cpu → execution provider cpu/);
    const stats = (await api(srv.url, "/system_stats")).json as { devices: { worker?: string; type: string }[] };
    expect(stats.devices.filter((d) => d.worker).map((d) => d.worker).sort()).toEqual(workers.map((w) => w.id).sort());

    const clients: Record<string, TestClient> = { alice: await connect(srv.url, { clientId: "alice" }), bob: await connect(srv.url, { clientId: "bob" }) };
    const ids: Record<string, string[]> = { alice: [], bob: [] };
    const expected = new Map<string, string>();
    for (let i = 0; i < 6; i++) {
      const who = i % 2 === 0 ? "alice" : "bob";
      const r = await api(srv.url, "/prompt", { prompt: slowSave(i + 1, 10, 150), client_id: who });
      expect(r.status, r.text).toBe(200);
      ids[who]!.push(r.json.prompt_id);
      expected.set(r.json.prompt_id, `value=${(i + 1) * 1000 + 10}`);
    }
    const queued = (await api(srv.url, "/queue")).json as { queue_running: unknown[]; queue_pending: unknown[] };
    expect(queued.queue_running.length + queued.queue_pending.length).toBeGreaterThan(0);

    // Kill a worker while it runs a job; BullMQ's stalled-job check gives the job to the other.
    const busy = await poll(
      async () => ((await api(srv.url, "/system_stats")).json as { devices: { worker?: string; running?: string[] }[] }).devices.find((d) => d.worker && d.running?.length),
      20_000,
      "a worker running a job",
    );
    const victim = workers.find((w) => w.id === busy.worker)!;
    const killedJob = busy.running![0]!;
    await victim.proc.stop("SIGKILL");

    const all = [...ids.alice!, ...ids.bob!];
    const h = await historyOf(srv.url, all);
    for (const id of all) {
      expect(h[id]!.status.status_str, `${id}: ${JSON.stringify(h[id]!.status.messages)}`).toBe("success");
      // Every job writes farm/result.txt on its worker: the server keeps each under its own name.
      expect(await savedText(srv.url, h, id)).toBe(`job=${id} ${expected.get(id)}\n`);
    }
    expect(h[killedJob]!.status.messages.map((m) => m[0])).toContain("job_requeued");

    for (const [who, c] of Object.entries(clients)) {
      const mine = new Set(ids[who]);
      const heard = c.json().flatMap((m) => (promptOf(m) === undefined ? [] : [promptOf(m)!]));
      expect([...new Set(heard)].filter((id) => !mine.has(id)), `${who} heard other jobs`).toEqual([]);
      for (const id of mine) {
        const types = c.forPrompt(id).map((m) => m.type);
        expect(types, `${who}/${id}`).toContain("progress");
        expect(types).toContain("executed");
        expect(types).toContain("execution_success");
      }
      expect(c.binary().length, `${who}'s previews`).toBeGreaterThan(0);
      await c.close();
    }
    await srv.proc.stop();
    await Promise.all(workers.map((w) => w.proc.stop()));
  }, 120_000);

  it("sends a client the same messages in the same order as the embedded queue does", async () => {
    const sequence = async (url: string) => {
      const c = await connect(url, { clientId: "erin" });
      const id = (await api(url, "/prompt", { prompt: slowSave(5, 6, 60), client_id: "erin" })).json.prompt_id as string;
      await c.waitFor((m) => m.type === "executing" && m.data.node === null && m.data.prompt_id === id, 30_000);
      await c.close();
      return c.forPrompt(id).map((m) => (m.type === "executing" || m.type === "progress" ? `${m.type}:${m.data.node}` : m.type));
    };
    const embedded = t2v(["serve", "--port", "0", "--custom-nodes", farmNodes], path.join(dir, "s4"));
    const one = await sequence((await embedded.waitFor(/t2v studio: (http:\/\/[^/\s]+)\//))[1]!);
    await embedded.stop();
    const url = `${redis.url}/3`;
    const srv = await startServe(path.join(dir, "s4r"), url);
    const worker = await startWorker(path.join(dir, "w4r"), url, ["--custom-nodes", farmNodes]);
    const many = await sequence(srv.url);
    expect(one.filter((t) => t.startsWith("progress"))).toHaveLength(6);
    expect(many).toEqual(one);
    await Promise.all([srv.proc.stop(), worker.proc.stop()]);
  }, 90_000);

  it("brings live patches and interrupts to the worker, fails a job the worker cannot run with its reason, and runs the real model", async () => {
    // A pack only the server has: its catalogue accepts the job, the worker's own does not.
    const extra = path.join(dir, "server-only-models");
    cpSync(path.join(root, "models/physics-tiny"), path.join(extra, "server-only"), { recursive: true });
    const url = `${redis.url}/1`;
    const srv = await startServe(path.join(dir, "s2"), url, ["--models", extra]);
    const worker = await startWorker(path.join(dir, "w3"), url, ["--custom-nodes", farmNodes]);
    const c = await connect(srv.url, { clientId: "carol" });
    const submit = async (body: Record<string, unknown>) => {
      const r = await api(srv.url, "/prompt", { ...body, client_id: "carol" });
      expect(r.status, r.text).toBe(200);
      return r.json.prompt_id as string;
    };

    const patched = await submit({ prompt: slowSave(7, 400, 100) });
    await c.waitForType("progress", (m) => m.data.prompt_id === patched, 30_000);
    expect((await api(srv.url, `/jobs/${patched}/patch`, { node: "1", values: { steps: 12 } })).status).toBe(200);
    await c.waitForType("patched", (m) => m.data.prompt_id === patched, 20_000);

    const interrupted = await submit({ prompt: slowSave(8, 400, 100) });
    await c.waitForType("progress", (m) => m.data.prompt_id === interrupted, 30_000);
    expect((await api(srv.url, "/interrupt", { prompt_id: interrupted })).json).toEqual({ interrupted });
    await c.waitForType("execution_interrupted", (m) => m.data.prompt_id === interrupted, 20_000);

    const template = JSON.parse(readFileSync(path.join(root, "workflows/text-to-video.json"), "utf8")) as { nodes: { type: string; params: Record<string, unknown> }[] };
    const missing = structuredClone(template);
    for (const n of missing.nodes) if (n.type === "t2v.LoadModel") n.params.pack = "server-only";
    const cannot = await submit({ workflow: missing });
    const real = await submit({ workflow: template });

    const h = await historyOf(srv.url, [patched, interrupted, cannot, real], 90_000);
    expect(await savedText(srv.url, h, patched)).toBe(`job=${patched} value=7012\n`);
    expect(h[interrupted]!.status.status_str).toBe("error");
    expect(h[cannot]!.status.status_str).toBe("error");
    const error = c.forPrompt(cannot).find((m) => m.type === "execution_error");
    expect(error?.type === "execution_error" && error.data.exception_message).toMatch(/server-only/);
    // The worker survived the bad job and ran the next one on the shipped model.
    expect(h[real]!.status.status_str, JSON.stringify(h[real]!.status.messages)).toBe("success");
    const video = Object.values(h[real]!.outputs).flatMap((o) => o.images ?? []).find((f) => f.filename.endsWith(".mp4"));
    expect(video).toBeDefined();
    const mp4 = await fetch(`${srv.url}/view?filename=${encodeURIComponent(video!.filename)}&subfolder=${video!.subfolder}&type=${video!.type}`);
    const bytes = Buffer.from(await mp4.arrayBuffer());
    expect(bytes.subarray(4, 8).toString("latin1")).toBe("ftyp");
    expect(worker.proc.child.exitCode).toBeNull();
    // /free with unload_models reaches the worker: its opened packs are released.
    type Devices = { devices: { worker?: string; loaded_models?: string[] }[] };
    const loaded = async () => ((await api(srv.url, "/system_stats")).json as Devices).devices.find((d) => d.worker === worker.id)?.loaded_models ?? [];
    expect((await loaded()).some((m) => m.endsWith("physics-tiny"))).toBe(true);
    expect((await api(srv.url, "/free", { unload_models: true })).status).toBe(200);
    await poll(async () => ((await loaded()).length === 0 ? true : undefined), 10_000, "the worker to unload its models");
    await c.close();
    await srv.proc.stop();
    await worker.proc.stop();
  }, 150_000);

  it("loses nothing that finished across a server restart, nor queued jobs across a Redis restart", async () => {
    const url = `${redis.url}/2`;
    const port = await freePort();
    const serverDir = path.join(dir, "s3");
    let srv = await startServe(serverDir, url, ["--port", String(port)]);
    const worker = await startWorker(path.join(dir, "w4"), url, ["--custom-nodes", farmNodes]);
    let c = await connect(srv.url, { clientId: "dave" });
    const first = (await api(srv.url, "/prompt", { prompt: slowSave(3, 20, 100), client_id: "dave" })).json.prompt_id as string;
    await c.waitForType("progress", (m) => m.data.prompt_id === first, 30_000);
    await srv.proc.stop();
    await c.close();
    // The job finishes while no server listens.
    await poll(async () => (existsSync(path.join(dir, "w4/output/farm/result.txt")) ? true : undefined), 30_000, "the worker's file");
    await new Promise((r) => setTimeout(r, 1000)); // and its outcome reaches Redis
    srv = await startServe(serverDir, url, ["--port", String(port)]);
    c = await connect(srv.url, { clientId: "dave" });
    const h1 = await historyOf(srv.url, [first], 30_000);
    expect(h1[first]!.status.status_str).toBe("success");
    expect(await savedText(srv.url, h1, first)).toBe(`job=${first} value=3020\n`);

    // Queued (paused) jobs survive Redis being killed and started again on its append-only file.
    expect((await api(srv.url, "/queue/pause", {})).status).toBe(200);
    const queued = [];
    for (const v of [4, 5]) queued.push((await api(srv.url, "/prompt", { prompt: slowSave(v, 3, 50), client_id: "dave" })).json.prompt_id as string);
    // Order as in ComfyUI: `front` goes first, /queue/front moves a job there, deleted jobs leave.
    const first2 = (await api(srv.url, "/prompt", { prompt: slowSave(6, 1, 0), client_id: "dave", front: true })).json.prompt_id as string;
    const gone = (await api(srv.url, "/prompt", { prompt: slowSave(7, 1, 0), client_id: "dave" })).json.prompt_id as string;
    const order = async () => ((await api(srv.url, "/queue")).json as { queue_pending: [number, string][] }).queue_pending.map((q) => q[1]);
    expect(await order()).toEqual([first2, ...queued, gone]);
    expect((await api(srv.url, "/queue/front", { prompt_id: queued[1] })).status).toBe(200);
    expect(await order()).toEqual([queued[1], first2, queued[0], gone]);
    expect((await api(srv.url, "/queue", { delete: [gone, first2] })).json).toEqual({ deleted: 2 });
    expect(await order()).toEqual([queued[1], queued[0]]);
    await new Promise((r) => setTimeout(r, 1200)); // the append-only file is flushed every second
    await redis.proc.stop("SIGKILL");
    const down = await api(srv.url, "/prompt", { prompt: slowSave(9, 1, 0), client_id: "dave" });
    expect(down.status).toBe(503);
    expect(down.json.error.type).toBe("queue_unavailable");
    redis = await startRedis(path.join(dir, "redis"), redis.port);
    await poll(async () => ((await api(srv.url, "/queue/resume", {})).status === 200 ? true : undefined), 20_000, "the queue to resume");
    const h2 = await historyOf(srv.url, queued, 60_000);
    for (const [i, id] of queued.entries()) expect(await savedText(srv.url, h2, id)).toBe(`job=${id} value=${(i + 4) * 1000 + 3}\n`);
    expect(Object.keys((await api(srv.url, "/history")).json as History)).toHaveLength(3);
    await c.close();
    await srv.proc.stop();
    await worker.proc.stop();
  }, 150_000);

  it("works over rediss:// (TLS) with a password, and refuses a wrong password with Redis's reason", async () => {
    const tls = path.join(dir, "tls");
    mkdirSync(tls);
    const [cert, key] = [path.join(tls, "cert.pem"), path.join(tls, "key.pem")];
    const made = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key, "-out", cert], { encoding: "utf8" });
    expect(made.status, made.stderr).toBe(0);
    const port = await freePort();
    const secure = start("redis-server", ["--port", "0", "--tls-port", String(port), "--bind", "127.0.0.1", "--tls-cert-file", cert, "--tls-key-file", key, "--tls-ca-cert-file", cert, "--tls-auth-clients", "no", "--requirepass", "s3cret", "--dir", tls, "--save", ""], tls);
    await secure.waitFor(/Ready to accept connections/, 20_000);
    const env = { NODE_EXTRA_CA_CERTS: cert };
    const url = `rediss://:s3cret@127.0.0.1:${port}`;
    const srv = await startServe(path.join(dir, "s6"), url, [], env);
    expect(srv.proc.out()).toContain(`rediss://:***@127.0.0.1:${port}`);
    expect(srv.proc.out()).not.toContain("s3cret");
    const worker = await startWorker(path.join(dir, "w6"), url, ["--custom-nodes", farmNodes], env);
    const id = (await api(srv.url, "/prompt", { prompt: slowSave(2, 2, 10) })).json.prompt_id as string;
    const h = await historyOf(srv.url, [id], 30_000);
    expect(await savedText(srv.url, h, id)).toBe(`job=${id} value=2002\n`);

    const wrong = t2v(["worker", "--queue", `rediss://:nope@127.0.0.1:${port}`], path.join(dir, "w7"), env);
    expect(await wrong.exited).toBe(1);
    expect(wrong.out()).toMatch(/cannot reach the Redis queue at rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+\/?: WRONGPASS/);
    await Promise.all([srv.proc.stop(), worker.proc.stop()]);
    await secure.stop();
  }, 90_000);

  it("refuses a queue URL that is not Redis, and --listen without a token, before starting", () => {
    expect(queueUrlSchema.safeParse("redis://:secret@example.org:6380/3").success).toBe(true);
    expect(queueUrlSchema.safeParse("rediss://example.org").success).toBe(true);
    expect(queueUrlSchema.safeParse("http://example.org").success).toBe(false);
    expect(queueUrlSchema.safeParse("redis://example.org/x").success).toBe(false);
    const bad = t2v(["worker", "--queue", "http://example.org"], path.join(dir, "w5"));
    const open = t2v(["serve", "--port", "0", "--listen", "--queue", redis.url], path.join(dir, "s5"), { T2V_TOKEN: "" });
    return Promise.all([bad.exited, open.exited]).then(([a, b]) => {
      expect(a).toBe(2);
      expect(bad.out()).toMatch(/--queue: the scheme must be redis:\/\/ or rediss:\/\//);
      expect(b).not.toBe(0);
      expect(open.out()).toMatch(/token/);
    });
  }, 60_000);
});
