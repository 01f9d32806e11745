// Binary preview frames over a real socket: event 1 for old clients, event 4 with the contact-sheet layout.
import { EventEmitter } from "node:events";
import sharp from "sharp";
import type { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BinaryEvent, decodeBinaryFrame, encodePreviewWithMetadata, frameRect, type PreviewMetadata } from "../../core/protocol.ts";
import { createPreviewEncoder, sheetGrid, tileFrames } from "../../server/ws/preview.ts";
import { createHub, type PreviewFrames } from "../../server/ws/hub.ts";
import { api, chainPrompt, connect, frameColour, isJobEnd, removeDir, startTestServer, type TestServer } from "./helpers.ts";

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  await srv.stop();
  removeDir(srv.dir);
});

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
/** A one-frame 32×32 preview of step `step` of 2. */
const payload = (step: number) => ({ frames: [new Uint8Array(32 * 32 * 3).fill(step * 40)], width: 32, height: 32, frameCount: 1, step, steps: 2 });

async function pixel(jpeg: Uint8Array, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [data[at], data[at + 1], data[at + 2]];
}

describe("preview frames", () => {
  it("streams a contact sheet per step: event 4 with its layout, event 1 to old clients", async () => {
    const modern = await connect(srv.url, { clientId: "pv", metadata: true });
    const legacy = await connect(srv.url, { clientId: "pv" });
    expect(modern.json().find((m) => m.type === "feature_flags")?.data).toMatchObject({ supports_preview_metadata: true });
    const r = await api(srv.url, "/prompt", { prompt: chainPrompt(0, 3, { frames: 5, width: 16, height: 12, delay_ms: 40 }), client_id: "pv" });
    await Promise.all([modern.waitFor(isJobEnd(r.json.prompt_id)), legacy.waitFor(isJobEnd(r.json.prompt_id))]);

    const frames4 = modern.binary().map((b) => decodeBinaryFrame(b));
    expect(frames4.length).toBeGreaterThanOrEqual(1);
    expect(frames4.length).toBeLessThanOrEqual(3);
    const last = frames4.at(-1);
    if (last?.event !== BinaryEvent.PREVIEW_IMAGE_WITH_METADATA || !("metadata" in last)) throw new Error(`expected event 4, got ${last?.event}`);
    expect(sheetGrid(5, 16, 12)).toEqual({ cols: 2, rows: 3 });
    expect(last.metadata).toEqual({
      node_id: "2",
      display_node_id: "2",
      real_node_id: "2",
      parent_node_id: null,
      prompt_id: r.json.prompt_id,
      image_type: "image/jpeg",
      frame_index: 0,
      frame_count: 5,
      step: 3,
      steps: 3,
      layout: { cols: 2, rows: 3, frame_width: 16, frame_height: 12 },
    } satisfies PreviewMetadata);
    const meta = await sharp(last.image).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 32, 36]);
    // Each cell holds its frame: sample the middle of every cell.
    for (let i = 0; i < 5; i++) {
      const rect = frameRect(last.metadata.layout, i);
      const got = await pixel(last.image, rect.x + 8, rect.y + 6);
      got.forEach((v, k) => expect(Math.abs(v - frameColour(i)[k]), `frame ${i} channel ${k}`).toBeLessThan(24));
    }

    const frames1 = legacy.binary().map((b) => decodeBinaryFrame(b));
    expect(frames1.length).toBeGreaterThanOrEqual(1);
    const old = frames1.at(-1);
    if (old?.event !== BinaryEvent.PREVIEW_IMAGE || !("format" in old)) throw new Error(`expected event 1, got ${old?.event}`);
    expect(old.format).toBe("image/jpeg");
    expect([old.image[0], old.image[1]]).toEqual([0xff, 0xd8]);
    expect(Buffer.from(old.image).equals(Buffer.from(last.image))).toBe(true);
    // Raw layout check: [u32 BE 1][u32 BE 1=JPEG][jpeg].
    const rawOld = legacy.binary().at(-1)!;
    expect([rawOld.readUInt32BE(0), rawOld.readUInt32BE(4)]).toEqual([1, 1]);
    const rawNew = modern.binary().at(-1)!;
    expect(rawNew.readUInt32BE(0)).toBe(4);
    expect(JSON.parse(rawNew.subarray(8, 8 + rawNew.readUInt32BE(4)).toString()).frame_count).toBe(5);

    // Previews arrive before the end of the job, never after.
    const endAt = (c: typeof modern) => c.received.findIndex((x) => x.kind === "json" && isJobEnd(r.json.prompt_id)(x.message));
    expect(modern.received.findLastIndex((x) => x.kind === "binary")).toBeLessThan(endAt(modern));
    await Promise.all([modern.close(), legacy.close()]);
  });

  it("a client of another job gets no previews", async () => {
    const other = await connect(srv.url, { clientId: "other", metadata: true });
    const r = await api(srv.url, "/prompt", { prompt: chainPrompt(0, 2, { frames: 2 }), client_id: "someone" });
    await srv.worker.idle();
    expect(srv.queue.historyItem(r.json.prompt_id)?.status.status_str).toBe("success");
    expect(other.binary()).toEqual([]);
    await other.close();
  });

  it("encodes off the caller's path and keeps only the newest waiting preview", async () => {
    const delivered: { frames: PreviewFrames; sid: string | undefined }[] = [];
    const enc = createPreviewEncoder({ logger: silent, deliver: (frames, sid) => delivered.push({ frames, sid }) });
    const w = 64;
    const h = 48;
    const clip = (step: number) => ({ frames: Array.from({ length: 8 }, () => new Uint8Array(w * h * 3).fill(step * 20)), width: w, height: h, frameCount: 8, step, steps: 10 });
    for (let step = 1; step <= 10; step++) enc.submit({ promptId: "p", nodeId: "n", sid: "s", payload: clip(step) });
    // Step 1 went straight to the encoder; 2…9 were replaced while it worked; 10 waits. Nothing is done yet.
    expect(enc.stats()).toEqual({ submitted: 10, encoded: 0, dropped: 8 });
    expect(delivered).toEqual([]);
    await enc.idle();
    expect(enc.stats().encoded).toBe(2);
    const steps = delivered.map((d) => {
      const f = decodeBinaryFrame(d.frames.withMetadata);
      return "metadata" in f ? f.metadata.step : undefined;
    });
    expect(steps).toEqual([1, 10]);
    expect(delivered.map((d) => d.sid)).toEqual(["s", "s"]);
  });

  it("flush() sends the newest waiting preview at once, without the rest between encodes", async () => {
    const delivered: PreviewFrames[] = [];
    // A rest a million times the encode: only flush() can end it within the test's time.
    const enc = createPreviewEncoder({ logger: silent, deliver: (frames) => delivered.push(frames), restFactor: 1e6 });
    enc.submit({ promptId: "p", nodeId: "n", sid: undefined, payload: payload(1) });
    enc.submit({ promptId: "p", nodeId: "n", sid: undefined, payload: payload(2) });
    await expect.poll(() => delivered.length, { timeout: 10_000 }).toBe(1); // step 1 encoded, step 2 waiting out the rest
    await enc.flush();
    const steps = delivered.map((d) => {
      const f = decodeBinaryFrame(d.withMetadata);
      return "metadata" in f ? f.metadata.step : undefined;
    });
    expect(steps).toEqual([1, 2]);
  });

  it("starts encodes no more often than minIntervalMs", async () => {
    const at: number[] = [];
    const enc = createPreviewEncoder({ logger: silent, deliver: () => at.push(performance.now()), restFactor: 0, minIntervalMs: 1000 });
    enc.submit({ promptId: "p", nodeId: "n", sid: undefined, payload: payload(1) });
    await expect.poll(() => at.length, { timeout: 10_000 }).toBe(1);
    enc.submit({ promptId: "p", nodeId: "n", sid: undefined, payload: payload(2) });
    await enc.idle();
    // The second started a second after the first did; the first took well under 300 ms to encode.
    expect(at).toHaveLength(2);
    expect(at[1]! - at[0]!).toBeGreaterThan(700);
  });

  it("holds previews for a slow socket, sending only the newest once it drains", async () => {
    // A socket whose send buffer we control: the one thing a real loopback socket will not do on cue.
    const sent: (string | Uint8Array)[] = [];
    const sock = Object.assign(new EventEmitter(), { OPEN: 1, readyState: 1, bufferedAmount: 0, send: (d: string | Uint8Array) => sent.push(d), close: () => {} });
    const hub = createHub({ logger: silent, maxBufferedBytes: 1000, status: () => ({ type: "status", data: { status: { exec_info: { queue_remaining: 0 } } } }), serverFeatures: () => ({}), onMessage: () => {} });
    hub.attach(sock as unknown as WebSocket, "slow");
    const frames = (n: number): PreviewFrames => ({ legacy: new Uint8Array([n]), withMetadata: new Uint8Array([n, n]) });
    hub.preview(frames(1), "slow");
    expect(sent.slice(1)).toEqual([new Uint8Array([1])]);
    sock.bufferedAmount = 5000;
    for (let n = 2; n <= 6; n++) hub.preview(frames(n), "slow");
    hub.send({ type: "executing", data: { node: "2", prompt_id: "p" } }, "slow");
    expect(sent.length).toBe(3); // status, preview 1, the JSON message: previews wait, messages do not
    sock.bufferedAmount = 0;
    await new Promise((r) => setTimeout(r, 80));
    expect(sent.slice(3)).toEqual([new Uint8Array([6])]);
    hub.close();
  });

  it("tiles frames row-major, from one buffer or many, and scales big sheets down", async () => {
    const w = 3;
    const h = 2;
    const frames = [0, 1, 2].map((i) => new Uint8Array(w * h * 3).fill(i + 1));
    const fromArray = tileFrames({ frames, width: w, height: h, frameCount: 3 });
    const joined = new Uint8Array(w * h * 3 * 3);
    frames.forEach((f, i) => joined.set(f, i * f.length));
    const fromBuffer = tileFrames({ frames: joined, width: w, height: h, frameCount: 3 });
    expect(fromBuffer).toEqual(fromArray);
    expect([fromArray.cols, fromArray.rows, fromArray.width, fromArray.height]).toEqual([2, 2, 6, 4]);
    const at = (x: number, y: number) => fromArray.rgb[(y * fromArray.width + x) * 3];
    expect([at(0, 0), at(3, 0), at(0, 2), at(3, 2)]).toEqual([1, 2, 3, 0]);

    const out: PreviewFrames[] = [];
    const big = createPreviewEncoder({ logger: silent, deliver: (f) => out.push(f), maxSheetSide: 256 });
    big.submit({ promptId: "p", nodeId: "n", sid: undefined, payload: { frames: new Uint8Array(512 * 256 * 3 * 4), width: 512, height: 256, frameCount: 4 } });
    await big.idle();
    const f = decodeBinaryFrame(out[0].withMetadata);
    if (!("metadata" in f)) throw new Error("expected metadata");
    expect(f.metadata.layout).toEqual({ cols: 2, rows: 2, frame_width: 128, frame_height: 64 });
    expect((await sharp(f.image).metadata()).width).toBe(256);
  });

  it("round-trips the event 4 layout through the shared codec", () => {
    const meta: PreviewMetadata = { node_id: "7", display_node_id: "7", real_node_id: "7", parent_node_id: null, prompt_id: "p", image_type: "image/jpeg", frame_index: 0, frame_count: 1, layout: { cols: 1, rows: 1, frame_width: 4, frame_height: 4 } };
    const bytes = encodePreviewWithMetadata(new Uint8Array([0xff, 0xd8, 1, 2]), meta);
    const back = decodeBinaryFrame(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    expect(back).toEqual({ event: 4, metadata: meta, image: new Uint8Array([0xff, 0xd8, 1, 2]) });
    expect(() => decodeBinaryFrame(bytes.subarray(0, 12))).toThrow(/runs past the frame/);
  });
});
