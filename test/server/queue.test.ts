// The durable queue: restarts keep pending jobs, a job cut off mid-run is re-queued once, history is bounded.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openJobStore, type JobSpec } from "../../server/queue/store.ts";
import { api, chainPrompt, connect, isJobEnd, removeDir, startTestServer } from "./helpers.ts";

const spec = (id: string, number: number): JobSpec => ({ id, number, workflow: { version: 2, nodes: [] }, prompt: { [id]: { class_type: "x", inputs: {} } }, extraData: {}, targets: ["1"] });
const ids = (items: unknown[][]) => items.map((i) => i[1]);

describe("restart", () => {
  it("keeps pending jobs across a restart, in order, and runs them after", async () => {
    const first = await startTestServer({ paused: true });
    const queued: string[] = [];
    for (const v of [1, 2, 3]) queued.push((await api(first.url, "/prompt", { prompt: chainPrompt(v, 1), client_id: "r" })).json.prompt_id);
    const front = (await api(first.url, "/prompt", { prompt: chainPrompt(9, 1), front: true })).json.prompt_id;
    await first.stop();

    const second = await startTestServer({ dir: first.dir, paused: true });
    try {
      const q = await api(second.url, "/queue");
      expect(ids(q.json.queue_pending)).toEqual([front, ...queued]);
      expect(q.json.queue_pending[1][2]).toEqual(chainPrompt(1, 1));
      expect(q.json.queue_pending[1][3]).toEqual({ client_id: "r" });
      expect((await api(second.url, "/prompt")).json).toEqual({ exec_info: { queue_remaining: 4 } });
      const c = await connect(second.url, { clientId: "r" });
      second.worker.start();
      await c.waitFor(isJobEnd(queued[2]));
      await second.worker.idle();
      const h = (await api(second.url, "/history")).json;
      expect(Object.keys(h)).toEqual([front, ...queued]);
      expect(queued.map((id) => h[id].outputs["3"].text[0])).toEqual(["2", "3", "4"]);
      await c.close();
    } finally {
      await second.stop();
      removeDir(first.dir);
    }
  });

  it("re-queues the running job at a graceful shutdown", async () => {
    const first = await startTestServer();
    const c = await connect(first.url, { clientId: "g" });
    const running = (await api(first.url, "/prompt", { prompt: chainPrompt(0, 10_000, { delay_ms: 20 }), client_id: "g" })).json.prompt_id;
    const pending = (await api(first.url, "/prompt", { prompt: chainPrompt(5, 1) })).json.prompt_id;
    await c.waitFor((m) => m.type === "progress" && m.data.prompt_id === running);
    await first.stop();
    expect(c.json().some((m) => m.type === "execution_interrupted" && m.data.prompt_id === running)).toBe(true);

    const second = await startTestServer({ dir: first.dir, paused: true });
    try {
      expect(ids((await api(second.url, "/queue")).json.queue_pending)).toEqual([running, pending]);
      expect(second.queue.get(running)?.attempts).toBe(0);
      expect(second.queue.get(running)?.notes[0]).toMatchObject(["job_requeued", { reason: "the server shut down while this job was running" }]);
      expect((await api(second.url, "/history")).json).toEqual({});
    } finally {
      await second.stop();
      removeDir(first.dir);
    }
  });

  it("re-queues a job the process died under once, then fails it with the reason", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "t2v-store-"));
    try {
      let s = openJobStore({ dataDir: dir });
      s.add(spec("a", 0));
      s.add(spec("b", 1));
      expect(s.take()?.id).toBe("a");
      s.close(); // no finish(): as if the process was killed

      s = openJobStore({ dataDir: dir });
      expect(s.recovered).toEqual({ requeued: ["a"], failed: [] });
      expect(s.pending().map((j) => j.id)).toEqual(["a", "b"]);
      expect(s.take()).toMatchObject({ id: "a", attempts: 2 });
      s.close();

      s = openJobStore({ dataDir: dir });
      expect(s.recovered).toEqual({ requeued: [], failed: ["a"] });
      expect(s.pending().map((j) => j.id)).toEqual(["b"]);
      const h = s.historyItem("a");
      expect(h?.status).toMatchObject({ status_str: "error", completed: false });
      expect(h?.status.messages.map((m) => m[0])).toEqual(["job_requeued", "job_failed"]);
      expect(h?.status.messages[1][1].reason).toBe("the server stopped while this job was running, 2 times; not retried again");
      expect(s.nextNumber()).toBe(2);
      s.close();
    } finally {
      removeDir(dir);
    }
  });

  it("keeps only the newest historyMax jobs", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "t2v-store-"));
    let t = 1000;
    const s = openJobStore({ dataDir: dir, historyMax: 3, now: () => t++ });
    try {
      for (let i = 0; i < 5; i++) {
        s.add(spec(`j${i}`, i));
        const job = s.take();
        s.finish(job!.id, { statusStr: "success", completed: true, outputs: { "1": { text: [String(i)] } }, messages: [], patches: [], nodes: ["1"] });
      }
      expect(Object.keys(s.history())).toEqual(["j2", "j3", "j4"]);
      expect(Object.keys(s.history({ maxItems: 2 }))).toEqual(["j3", "j4"]);
      expect(Object.keys(s.history({ maxItems: 1, offset: 0 }))).toEqual(["j2"]);
      expect(s.history()["j4"]).toMatchObject({ outputs: { "1": { text: ["4"] } }, meta: { "1": { node_id: "1", display_node: "1" } } });
    } finally {
      s.close();
      removeDir(dir);
    }
  });
});

describe("reorder and pause", () => {
  it("pauses (the status says so), moves a pending job to the front, resumes in the new order", async () => {
    const srv = await startTestServer();
    try {
      const c = await connect(srv.url, { clientId: "p" });
      expect((await api(srv.url, "/api/queue/pause", {})).json).toEqual({ paused: true });
      await c.waitFor((m) => m.type === "status" && m.data.status.paused === true);
      const queued: string[] = [];
      for (const v of [1, 2, 3]) queued.push((await api(srv.url, "/prompt", { prompt: chainPrompt(v, 1), client_id: "p" })).json.prompt_id);
      await new Promise((r) => setTimeout(r, 100));
      let q = (await api(srv.url, "/queue")).json;
      expect(q.queue_running).toEqual([]);
      expect((await api(srv.url, "/api/queue/front", { prompt_id: queued[2] })).json).toEqual({ prompt_id: queued[2], moved: true });
      expect((await api(srv.url, "/api/queue/front", { prompt_id: "nope" })).status).toBe(404);
      q = (await api(srv.url, "/queue")).json;
      expect(ids(q.queue_pending)).toEqual([queued[2], queued[0], queued[1]]);
      await api(srv.url, "/api/queue/resume", {});
      await c.waitFor(isJobEnd(queued[1]));
      expect(Object.keys((await api(srv.url, "/history")).json)).toEqual([queued[2], queued[0], queued[1]]);
      await c.close();
    } finally {
      await srv.stop();
      removeDir(srv.dir);
    }
  });
});
