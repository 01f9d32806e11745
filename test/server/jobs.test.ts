// Jobs over a real socket: message order, cache, errors, interrupt, routing, keepalive, live patches.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WsMessage } from "../../core/protocol.ts";
import { api, chainPrompt, connect, isJobEnd, removeDir, startTestServer, until, type TestServer } from "./helpers.ts";

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer({ keepaliveMs: 5000 });
});
afterAll(async () => {
  await srv.stop();
  removeDir(srv.dir);
});

/** Message types with the node they concern, e.g. "executing:2", "progress:2:1/2". */
function trace(ms: WsMessage[]): string[] {
  return ms.map((m) => {
    switch (m.type) {
      case "executing":
        return `executing:${m.data.node}`;
      case "progress":
        return `progress:${m.data.node}:${m.data.value}/${m.data.max}`;
      case "executed":
        return `executed:${m.data.node}`;
      case "display":
        return `display:${m.data.node}`;
      case "execution_cached":
        return `execution_cached:${[...m.data.nodes].sort().join(",")}`;
      case "status":
        return `status:${m.data.status.exec_info.queue_remaining}`;
      default:
        return m.type;
    }
  });
}

describe("a job over /ws", () => {
  it("sends ComfyUI's messages in order, writes history before executing null", async () => {
    const c = await connect(srv.url, { clientId: "order" });
    const r = await api(srv.url, "/prompt", { prompt: chainPrompt(3, 2), client_id: "order" });
    expect(r.status).toBe(200);
    expect(r.json.node_errors).toEqual({});
    expect(typeof r.json.number).toBe("number");
    const id: string = r.json.prompt_id;
    await c.waitFor(isJobEnd(id));
    await until(() => c.json().at(-1)?.type === "status", 5000, "the final status");
    const ms = c.json().slice(1); // the first is the connect status with our sid
    expect(trace(ms)).toEqual([
      "status:1",
      "execution_start",
      "execution_cached:",
      "executing:1",
      "executing:2",
      "progress:2:1/2",
      "progress:2:2/2",
      "display:2",
      "executing:3",
      "executed:3",
      "execution_success",
      "executing:null",
      "status:0",
    ]);
    expect(ms.filter((m) => m.type !== "status").every((m) => (m.data as { prompt_id: string }).prompt_id === id)).toBe(true);
    // Only the output node (ShowValue) sends `executed`; the slow node's text goes out as `display`.
    const executed = ms.filter((m) => m.type === "executed").map((m) => m.data);
    expect(executed).toMatchObject([{ node: "3", display_node: "3", output: { text: ["5"] } }]);
    expect(ms.find((m) => m.type === "display")?.data).toMatchObject({ node: "2", output: { text: ["2 steps"] } });
    expect(c.json()[0]).toMatchObject({ type: "status", data: { sid: "order" } });

    // History was written before `executing null` went out: read it now.
    const h = await api(srv.url, `/history/${id}`);
    const entry = h.json[id];
    expect(entry.status).toMatchObject({ status_str: "success", completed: true });
    expect(entry.status.messages.map((m: [string]) => m[0])).toEqual(["execution_start", "execution_cached", "execution_success"]);
    expect(entry.status.messages[0][1].timestamp).toBeGreaterThan(Date.now() - 60_000);
    expect(entry.outputs).toEqual({ "3": { text: ["5"] } });
    expect(entry.prompt[1]).toBe(id);
    expect(entry.prompt[2]).toEqual(chainPrompt(3, 2));
    expect(entry.prompt[3]).toEqual({ client_id: "order" });
    expect(entry.prompt[4]).toEqual(["3"]);
    expect(entry.workflow.version).toBe(2);
    expect(entry.workflow.nodes.map((n: { id: string; type: string }) => `${n.id}:${n.type}`)).toEqual(["1:t2v.Int", "2:test.Slow", "3:t2v.ShowValue"]);
    await c.close();
  });

  it("serves a re-run from the cache and re-runs only what changed", async () => {
    const c = await connect(srv.url, { clientId: "cache" });
    const run = async (prompt: Record<string, unknown>) => {
      const r = await api(srv.url, "/api/prompt", { prompt, client_id: "cache" });
      await c.waitFor(isJobEnd(r.json.prompt_id));
      return trace(c.forPrompt(r.json.prompt_id));
    };
    await run(chainPrompt(10, 2));
    expect(await run(chainPrompt(10, 2))).toEqual(["execution_start", "execution_cached:1,2,3", "display:2", "executed:3", "execution_success", "executing:null"]);
    const changed = await run(chainPrompt(10, 3));
    expect(changed).toContain("execution_cached:1");
    expect(changed.filter((t) => t.startsWith("executing:"))).toEqual(["executing:2", "executing:3", "executing:null"]);
    const shown = c.json().flatMap((m) => (m.type === "executed" && m.data.node === "3" ? [m.data.output] : []));
    expect(shown).toEqual([{ text: ["12"] }, { text: ["12"] }, { text: ["13"] }]);
    await c.close();
  });

  it("reports a failing node with its id, type and message, and keeps working", async () => {
    const c = await connect(srv.url, { clientId: "err" });
    const bad = { "1": { class_type: "t2v.Int", inputs: { value: 7 } }, "4": { class_type: "t2v.IntMath", inputs: { a: ["1", 0], op: "divide", b: 0 } }, "9": { class_type: "t2v.ShowValue", inputs: { value: ["4", 0] } } };
    const r = await api(srv.url, "/prompt", { prompt: bad, client_id: "err" });
    expect(r.status).toBe(200);
    await c.waitFor(isJobEnd(r.json.prompt_id));
    const err = c.forPrompt(r.json.prompt_id).find((m) => m.type === "execution_error");
    expect(err?.data).toMatchObject({ node_id: "4", node_type: "t2v.IntMath", exception_message: "cannot divide by zero", exception_type: "Error", executed: ["1"] });
    expect(trace(c.forPrompt(r.json.prompt_id)).slice(-2)).toEqual(["execution_error", "executing:null"]);
    const h = (await api(srv.url, `/history/${r.json.prompt_id}`)).json[r.json.prompt_id];
    expect(h.status.status_str).toBe("error");
    expect(h.status.completed).toBe(false);
    expect(h.status.messages.at(-1)[0]).toBe("execution_error");

    const ok = await api(srv.url, "/prompt", { prompt: chainPrompt(1, 1), client_id: "err" });
    await c.waitFor(isJobEnd(ok.json.prompt_id));
    expect(c.forPrompt(ok.json.prompt_id).some((m) => m.type === "execution_success")).toBe(true);
    await c.close();
  });

  it("refuses an invalid prompt with node_errors, and a bad body naming the field", async () => {
    const invalid = { "1": { class_type: "t2v.Int", inputs: { value: 1 } }, "4": { class_type: "t2v.IntMath", inputs: { a: ["1", 0], op: "power", b: 2 } }, "9": { class_type: "t2v.ShowValue", inputs: { value: ["4", 0] } } };
    const r = await api(srv.url, "/prompt", { prompt: invalid });
    expect(r.status).toBe(400);
    expect(r.json.error.type).toBe("prompt_outputs_failed_validation");
    expect(r.json.node_errors["4"].class_type).toBe("t2v.IntMath");
    expect(r.json.node_errors["4"].errors[0]).toMatchObject({ type: "unknown_choice", extra_info: { input_name: "op" } });

    const unknown = await api(srv.url, "/prompt", { prompt: { "1": { class_type: "NoSuchNode", inputs: {} }, "3": { class_type: "t2v.ShowValue", inputs: { value: ["1", 0] } } } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.node_errors["1"].errors[0].type).toBe("unknown_type");

    const body = await api(srv.url, "/prompt", { prompt: chainPrompt(), client_id: 5 });
    expect(body.status).toBe(400);
    expect(body.json.error.message).toMatch(/^bad request body: client_id: /);

    const none = await api(srv.url, "/prompt", { client_id: "x" });
    expect(none.status).toBe(400);
    expect(none.json.error.type).toBe("no_prompt");

    const notJson = await api(srv.url, "/prompt", "{not json");
    expect(notJson.status).toBe(400);
    expect(notJson.json.error.type).toBe("invalid_json");
    expect((await api(srv.url, "/queue")).json.queue_pending).toEqual([]);
  });

  it("interrupts the running job; the next one runs", async () => {
    const c = await connect(srv.url, { clientId: "int" });
    const long = await api(srv.url, "/prompt", { prompt: chainPrompt(0, 10_000, { delay_ms: 20 }), client_id: "int" });
    const next = await api(srv.url, "/prompt", { prompt: chainPrompt(50, 1), client_id: "int" });
    await c.waitFor((m) => m.type === "progress" && m.data.prompt_id === long.json.prompt_id);
    const q = await api(srv.url, "/queue");
    expect(q.json.queue_running.map((i: unknown[]) => i[1])).toEqual([long.json.prompt_id]);
    expect(q.json.queue_pending.map((i: unknown[]) => i[1])).toEqual([next.json.prompt_id]);
    const r = await api(srv.url, "/interrupt", {});
    expect(r.json.interrupted).toBe(long.json.prompt_id);
    await c.waitFor(isJobEnd(long.json.prompt_id));
    const msgs = c.forPrompt(long.json.prompt_id);
    expect(msgs.find((m) => m.type === "execution_interrupted")?.data).toMatchObject({ node_id: "2", node_type: "test.Slow", executed: ["1"] });
    expect(msgs.some((m) => m.type === "execution_success")).toBe(false);
    const h = (await api(srv.url, `/history/${long.json.prompt_id}`)).json[long.json.prompt_id];
    expect(h.status).toMatchObject({ status_str: "error", completed: false });
    await c.waitFor(isJobEnd(next.json.prompt_id));
    expect(c.forPrompt(next.json.prompt_id).find((m) => m.type === "executed" && m.data.node === "3")?.data).toMatchObject({ output: { text: ["51"] } });
    await c.close();
  });

  it("sends each client only its own jobs; a job without client_id goes to everyone", async () => {
    const a = await connect(srv.url, { clientId: "alice" });
    const b = await connect(srv.url, { clientId: "bob" });
    const ja = (await api(srv.url, "/prompt", { prompt: chainPrompt(1, 1), client_id: "alice" })).json.prompt_id;
    const jb = (await api(srv.url, "/prompt", { prompt: chainPrompt(2, 1), client_id: "bob" })).json.prompt_id;
    const jn = (await api(srv.url, "/prompt", { prompt: chainPrompt(3, 1) })).json.prompt_id;
    await Promise.all([a.waitFor(isJobEnd(jn)), b.waitFor(isJobEnd(jn))]);
    const starts = (c: typeof a) => c.json().filter((m) => m.type === "execution_start").map((m) => m.data.prompt_id);
    expect(starts(a)).toEqual([ja, jn]);
    expect(starts(b)).toEqual([jb, jn]);
    expect(a.forPrompt(jb)).toEqual([]);
    expect(b.forPrompt(ja)).toEqual([]);
    // Queue status is for everyone.
    expect(b.json().filter((m) => m.type === "status").length).toBeGreaterThanOrEqual(4);
    await Promise.all([a.close(), b.close()]);
  });

  it("patches a running job over HTTP and over /ws, and records the patches in history", async () => {
    const c = await connect(srv.url, { clientId: "patch" });
    const r = await api(srv.url, "/prompt", { prompt: chainPrompt(0, 10_000, { delay_ms: 15 }), client_id: "patch" });
    const id: string = r.json.prompt_id;
    await c.waitFor((m) => m.type === "progress" && m.data.prompt_id === id && m.data.value >= 2);
    const bad = await api(srv.url, `/api/jobs/${id}/patch`, { values: { steps: "five" } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/values\.steps/);
    const p1 = await api(srv.url, `/api/jobs/${id}/patch`, { node: "2", values: { steps: 400 } });
    expect(p1.json).toEqual({ prompt_id: id, accepted: true, node: "2", values: { steps: 400 } });
    const applied = await c.waitFor((m) => m.type === "patched" && m.data.prompt_id === id);
    expect(applied.data).toMatchObject({ node: "2", target: "2", values: { steps: 400 } });
    c.send({ type: "patch", data: { prompt_id: id, values: { steps: 8 } } });
    await c.waitFor(isJobEnd(id));
    const second = c.forPrompt(id).filter((m) => m.type === "patched")[1];
    expect(second?.data).toMatchObject({ node: "2", target: null, values: { steps: 8 } });
    // The node stops at the new total, or at once if it is already past it.
    const atStep = second?.type === "patched" ? (second.data.step ?? 0) : 0;
    expect(c.forPrompt(id).find((m) => m.type === "display" && m.data.node === "2")?.data).toMatchObject({ output: { text: [`${Math.max(8, atStep)} steps`] } });
    const h = (await api(srv.url, `/history/${id}`)).json[id];
    expect(h.patches.map((p: { values: unknown; target: unknown }) => [p.values, p.target])).toEqual([
      [{ steps: 400 }, "2"],
      [{ steps: 8 }, null],
    ]);
    expect(h.patches[0].step).toBeGreaterThanOrEqual(2);
    expect(h.patches[1].received).toBeGreaterThanOrEqual(h.patches[0].received);

    const done = await api(srv.url, `/api/jobs/${id}/patch`, { values: { steps: 3 } });
    expect(done.status).toBe(409);
    expect((await api(srv.url, "/api/jobs/nope/patch", { values: { steps: 3 } })).status).toBe(404);
    c.send({ type: "patch", data: { prompt_id: id, values: { steps: 2 } } });
    const refused = await c.waitForType("protocol_error");
    expect(refused.data.message).toContain("is not running");
    c.send({ type: "patch", data: { values: {} } });
    const malformed = await c.waitForType("protocol_error", (m) => m.data.message.includes("prompt_id"));
    expect(malformed.data.message).toMatch(/^data\.prompt_id: /);
    await c.close();
  });

  it("removes pending jobs and history items", async () => {
    const c = await connect(srv.url, { clientId: "del" });
    const long = (await api(srv.url, "/prompt", { prompt: chainPrompt(0, 10_000, { delay_ms: 20 }), client_id: "del" })).json.prompt_id;
    const p1 = (await api(srv.url, "/prompt", { prompt: chainPrompt(1, 1) })).json.prompt_id;
    const p2 = (await api(srv.url, "/prompt", { prompt: chainPrompt(2, 1) })).json.prompt_id;
    const front = (await api(srv.url, "/prompt", { prompt: chainPrompt(3, 1), front: true })).json.prompt_id;
    expect((await api(srv.url, "/queue")).json.queue_pending.map((i: unknown[]) => i[1])).toEqual([front, p1, p2]);
    expect((await api(srv.url, "/queue", { delete: [p1] })).json.deleted).toBe(1);
    expect((await api(srv.url, "/queue")).json.queue_pending.map((i: unknown[]) => i[1])).toEqual([front, p2]);
    expect((await api(srv.url, "/queue", { clear: true })).json.deleted).toBe(2);
    await api(srv.url, "/interrupt", { prompt_id: long });
    await c.waitFor(isJobEnd(long));
    expect(Object.keys((await api(srv.url, "/history?max_items=1")).json)).toEqual([long]);
    expect((await api(srv.url, "/history", { delete: [long] })).json.deleted).toBe(1);
    expect((await api(srv.url, `/history/${long}`)).json).toEqual({});
    await c.close();
  });
});

describe("keepalive", () => {
  it("sends a status at least every keepaliveMs while a long node runs quietly", async () => {
    const s = await startTestServer({ keepaliveMs: 200 });
    try {
      const c = await connect(s.url, { clientId: "k" });
      const r = await api(s.url, "/prompt", { prompt: chainPrompt(0, 1, { delay_ms: 1500 }), client_id: "k" });
      await c.waitFor(isJobEnd(r.json.prompt_id));
      const start = c.received.findIndex((x) => x.kind === "json" && x.message.type === "executing" && x.message.data.node === "2");
      const end = c.received.findIndex((x) => x.kind === "json" && x.message.type === "progress");
      const during = c.received.slice(start, end + 1);
      // 1.5 s of silence from the node, 200 ms keepalive: several statuses, no long gap (slack for a loaded machine).
      expect(during.filter((x) => x.kind === "json" && x.message.type === "status").length).toBeGreaterThanOrEqual(3);
      const gaps = during.slice(1).map((x, i) => x.at - during[i].at);
      expect(Math.max(...gaps)).toBeLessThan(900);
      await c.close();
    } finally {
      await s.stop();
      removeDir(s.dir);
    }
  });
});
