// Security defaults over real sockets: exposure, tokens, Host/Origin, path traversal, body limits.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../server/app.ts";
import { resolveInside, UnsafePathError } from "../../server/security.ts";
import { api, connect, removeDir, startTestServer, type TestServer } from "./helpers.ts";

/** A raw request, so Host and Origin can be anything (fetch forbids setting them). */
function raw(url: string, o: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method: o.method ?? "GET", path: o.path, headers: o.headers }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end(o.body);
  });
}

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer({ corsOrigin: ["http://app.example"], maxBodyBytes: 64 * 1024 });
  writeFileSync(path.join(srv.dir, "secret.txt"), "TOP SECRET");
  writeFileSync(path.join(srv.paths.output, "ok.txt"), "fine");
});
afterAll(async () => {
  await srv.stop();
  removeDir(srv.dir);
});

describe("exposure", () => {
  it("refuses --listen without a token", async () => {
    await expect(createApp({ listen: true, port: 0, dataDir: path.join(srv.dir, "x") })).rejects.toThrow(/--listen .*needs an access token: pass --token <token> or set T2V_TOKEN/);
    await expect(createApp({ host: "0.0.0.0", port: 0, dataDir: path.join(srv.dir, "x") })).rejects.toThrow(/binding 0\.0\.0\.0 .*needs an access token/);
  });

  it("`t2v serve --listen` without a token exits with the reason", () => {
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const env = { ...process.env };
    delete env.T2V_TOKEN;
    const cwd = mkdtempSync(path.join(tmpdir(), "t2v-serve-"));
    const r = spawnSync(process.execPath, [path.join(root, "bin/t2v.js"), "serve", "--listen", "--port", "0"], { cwd, env, encoding: "utf8", timeout: 60_000 });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("needs an access token");
    expect(existsSync(path.join(cwd, "data", "queue.sqlite"))).toBe(false);
    removeDir(cwd);
  });

  it("binds 127.0.0.1 by default", () => {
    expect(new URL(srv.url).hostname).toBe("127.0.0.1");
    expect(srv.server.address()).toMatchObject({ address: "127.0.0.1" });
  });

  it("checks the token on HTTP and WebSocket when one is set", async () => {
    const s = await startTestServer({ listen: true, host: "127.0.0.1", token: "s3cret" });
    try {
      expect((await api(s.url, "/queue")).status).toBe(401);
      expect((await api(s.url, "/queue", undefined, { headers: { authorization: "Bearer wrong" } })).json.error.message).toBe("wrong access token");
      expect((await api(s.url, "/queue", undefined, { headers: { authorization: "Bearer s3cret" } })).status).toBe(200);
      const q = await api(s.url, "/api/queue?token=s3cret");
      expect(q.status).toBe(200);
      expect(q.headers.get("set-cookie")).toMatch(/^t2v_token=s3cret; Path=\/; HttpOnly; SameSite=Strict/);
      expect((await api(s.url, "/queue", undefined, { headers: { cookie: "t2v_token=s3cret" } })).status).toBe(200);
      // With --listen any Host is fine (the token guards); the editor page itself needs none.
      expect((await raw(s.url, { path: "/", headers: { host: "studio.lan:8188" } })).status).toBe(200);
      // Opening the printed URL (/?token=…) leaves the cookie the editor's requests then carry.
      const page = await api(s.url, "/?token=s3cret");
      expect(page.headers.get("set-cookie")).toMatch(/^t2v_token=s3cret;/);
      expect((await api(s.url, "/?token=wrong")).headers.get("set-cookie")).toBeNull();
      const viaCookie = await connect(s.url, { headers: { cookie: "t2v_token=s3cret" } });
      await viaCookie.close();
      await expect(connect(s.url)).rejects.toThrow("HTTP 401");
      const c = await connect(s.url, { query: "token=s3cret" });
      expect(c.sid).toMatch(/^[0-9a-f]{32}$/);
      await c.close();
    } finally {
      await s.stop();
      removeDir(s.dir);
    }
  });
});

describe("cross-site requests", () => {
  const prompt = JSON.stringify({ prompt: { "1": { class_type: "t2v.Int", inputs: {} }, "2": { class_type: "t2v.ShowValue", inputs: { value: ["1", 0] } } } });
  const host = () => new URL(srv.url).host;

  it("refuses a foreign Origin, Origin: null and a foreign Host, and queues nothing", async () => {
    const evil = await raw(srv.url, { method: "POST", path: "/prompt", headers: { host: host(), origin: "http://evil.com", "content-type": "application/json" }, body: prompt });
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body).error.message).toContain("cross-site request from http://evil.com refused");
    const nul = await raw(srv.url, { method: "POST", path: "/prompt", headers: { host: host(), origin: "null" }, body: prompt });
    expect(nul.status).toBe(403);
    expect(JSON.parse(nul.body).error.message).toContain("Origin: null refused");
    const rebind = await raw(srv.url, { method: "POST", path: "/prompt", headers: { host: "evil.com", origin: "http://evil.com" }, body: prompt });
    expect(rebind.status).toBe(403);
    expect(JSON.parse(rebind.body).error.message).toContain("DNS rebinding");
    const rebindGet = await raw(srv.url, { path: "/history", headers: { host: `evil.com:${new URL(srv.url).port}` } });
    expect(rebindGet.status).toBe(403);
    const sneaky = await raw(srv.url, { path: "/history", headers: { host: host(), "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors" } });
    expect(sneaky.status).toBe(403);
    expect((await api(srv.url, "/queue")).json).toEqual({ queue_running: [], queue_pending: [] });
    expect(srv.queue.remaining()).toBe(0);
  });

  it("accepts its own origin, localhost names, and origins allowed by --cors-origin", async () => {
    const same = await raw(srv.url, { path: "/queue", headers: { host: host(), origin: srv.url } });
    expect(same.status).toBe(200);
    expect(same.headers["access-control-allow-origin"]).toBeUndefined();
    expect((await raw(srv.url, { path: "/queue", headers: { host: `localhost:${new URL(srv.url).port}` } })).status).toBe(200);
    const allowed = await raw(srv.url, { path: "/queue", headers: { host: host(), origin: "http://app.example" } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers["access-control-allow-origin"]).toBe("http://app.example");
    const preflight = await raw(srv.url, { method: "OPTIONS", path: "/prompt", headers: { host: host(), origin: "http://app.example", "access-control-request-method": "POST" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-methods"]).toContain("POST");
  });

  it("refuses WebSocket upgrades from other sites", async () => {
    await expect(connect(srv.url, { headers: { origin: "http://evil.com" } })).rejects.toThrow("HTTP 403");
    await expect(connect(srv.url, { headers: { origin: "null" } })).rejects.toThrow("HTTP 403");
    const ok = await connect(srv.url, { headers: { origin: srv.url } });
    expect(ok.json()[0].type).toBe("status");
    await ok.close();
  });
});

describe("paths", () => {
  it("resolveInside refuses .., absolute paths and NUL", () => {
    const root = path.join(srv.dir, "output");
    expect(resolveInside(root, "a", "b.txt")).toBe(path.join(root, "a", "b.txt"));
    for (const bad of [["../secret.txt"], ["a/../../x"], ["/etc/passwd"], ["x\0y"], ["..\\x"]]) expect(() => resolveInside(root, ...bad)).toThrow(UnsafePathError);
  });

  it("/view serves output files and refuses every way out of the folder", async () => {
    const ok = await api(srv.url, "/view?filename=ok.txt&type=output");
    expect(ok.status).toBe(200);
    expect(ok.text).toBe("fine");
    expect(ok.headers.get("content-security-policy")).toContain("sandbox");
    const attempts = [
      "/view?filename=../secret.txt",
      "/view?filename=..%2Fsecret.txt",
      "/view?filename=secret.txt&subfolder=..",
      "/view?filename=secret.txt&subfolder=../",
      `/view?filename=secret.txt&subfolder=${encodeURIComponent(srv.dir)}`,
      "/view?filename=secret.txt%00.png",
      "/view?filename=secret.txt&type=models",
      "/api/view?filename=..%5Csecret.txt",
    ];
    for (const a of attempts) {
      const r = await api(srv.url, a);
      expect([400, 404], a).toContain(r.status);
      expect(r.text, a).not.toContain("TOP SECRET");
    }
    expect((await api(srv.url, "/view?filename=../secret.txt")).json.error.type).toBe("unsafe_path");
    expect((await api(srv.url, "/view?filename=missing.txt")).status).toBe(404);
  });

  it("/upload/image writes into the input folder only, never over an existing file", async () => {
    const upload = async (name: string, extra: Record<string, string> = {}) => {
      const form = new FormData();
      form.append("image", new Blob([Buffer.from(`png-ish ${name}`)], { type: "image/png" }), name);
      for (const [k, v] of Object.entries(extra)) form.append(k, v);
      return api(srv.url, "/upload/image", undefined, { method: "POST", body: form });
    };
    const a = await upload("frame.png");
    expect(a.json).toEqual({ name: "frame.png", subfolder: "", type: "input" });
    expect(readFileSync(path.join(srv.paths.input, "frame.png"), "utf8")).toBe("png-ish frame.png");
    expect((await upload("frame.png")).json.name).toBe("frame (1).png");
    expect((await upload("frame.png", { subfolder: "clips" })).json).toEqual({ name: "frame.png", subfolder: "clips", type: "input" });
    for (const [name, extra] of [["../evil.png", {}], ["ok.png", { subfolder: "../.." }], ["ok.png", { subfolder: "/tmp" }], ["ok.png", { type: "models" }]] as const) {
      const r = await upload(name, extra);
      expect(r.status, `${name} ${JSON.stringify(extra)}`).toBe(400);
    }
    expect(existsSync(path.join(srv.dir, "evil.png"))).toBe(false);
    expect(existsSync(path.join(srv.paths.input, "ok.png"))).toBe(false);
    // The editor's file list: what was uploaded, by kind, and nothing from outside the input folder.
    writeFileSync(path.join(srv.paths.input, "clip.MP4"), "mp4-ish");
    expect((await api(srv.url, "/api/files/input?kind=image")).json).toEqual({ files: ["clips/frame.png", "frame (1).png", "frame.png"] });
    expect((await api(srv.url, "/api/files/input?kind=video")).json).toEqual({ files: ["clip.MP4"] });
    expect((await api(srv.url, "/api/files/input")).json.files).toHaveLength(4);
    expect((await api(srv.url, "/api/files/input?kind=text")).status).toBe(400);
  });

  it("the workflow library refuses names that leave it", async () => {
    // (".." or "%2E%2E" alone never arrives: URL parsing resolves the segment first.)
    for (const name of ["..%2Fevil", "...", ".hidden", "a%2Fb", "a%5Cb", "a%00b", "a..b"]) {
      const r = await api(srv.url, `/api/workflows/${name}`, { version: 2, nodes: [] }, { method: "PUT" });
      expect(r.status, name).toBe(400);
    }
    expect((await api(srv.url, "/api/workflows/..%2F..%2Fpackage")).status).toBe(400);
    expect(existsSync(path.join(srv.dataDir, "evil.json"))).toBe(false);
  });
});

describe("bodies", () => {
  it("limits the JSON body size", async () => {
    const big = JSON.stringify({ prompt: { "1": { class_type: "t2v.Int", inputs: { pad: "x".repeat(100 * 1024) } } } });
    const r = await api(srv.url, "/prompt", big);
    expect(r.status).toBe(413);
    expect(r.json.error.type).toBe("too_large");
  });
});
