// Figure 8: the editor in headless Chromium. A 1,000-node workflow (a grid of Int Math nodes,
// each fed by its left and upper neighbours) is opened through the editor's own restore path:
// the autosave key `t2v.current` in localStorage (client/src/lib/persist.ts), read at boot. We time
// from navigation start until every node is in the DOM and measured (React Flow shows a node once
// it has its size), then drag one node with the mouse and record frame times with
// requestAnimationFrame in the page.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { createApp } from "../server/app.ts";
import type { WorkflowInput } from "../core/engine/index.ts";
import type { Progress } from "./progress.ts";
import { percentile, summarize, type Summary } from "./stats.ts";
import { ROOT, type Scratch } from "./studio.ts";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const DIST = path.join(ROOT, "client/dist/index.html");
const AUTOSAVE_KEY = "t2v-studio:current"; // STORAGE.current in client/src/lib/storage.ts

/** `count` nodes in a grid: (0,0) is an Int, every other node an Int Math with a ← left and b ← up. */
export function gridWorkflow(count: number): WorkflowInput {
  const cols = Math.ceil(Math.sqrt(count * 1.6));
  const id = (i: number) => String(i + 1);
  const nodes: WorkflowInput["nodes"] = [];
  const links: NonNullable<WorkflowInput["links"]> = [];
  for (let i = 0; i < count; i++) {
    const r = Math.floor(i / cols), c = i % cols;
    const position = { x: c * 300, y: r * 240 };
    if (i === 0) {
      nodes.push({ id: id(i), type: "t2v.Int", params: { value: 1 }, position });
      continue;
    }
    nodes.push({ id: id(i), type: "t2v.IntMath", params: { a: 0, op: "add", b: 1 }, position });
    if (c > 0) links.push({ id: String(links.length + 1), from: { node: id(i - 1), output: "INT" }, to: { node: id(i), input: "a" } });
    if (r > 0) links.push({ id: String(links.length + 1), from: { node: id(i - cols), output: "INT" }, to: { node: id(i), input: "b" } });
  }
  return { version: 2, metadata: { title: `${count}-node grid`, description: "bench: editor load and drag" }, nodes, links };
}

type FrameStats = { p50: number; p95: number; max: number; frames: number };
const frameStats = (f: number[]): FrameStats => ({ p50: percentile(f, 50), p95: percentile(f, 95), max: Math.max(...f), frames: f.length });

export type EditorFigures =
  | {
      ok: true;
      nodes: number;
      edgesRendered: number;
      loadMs: Summary;
      /** The whole graph framed on screen (every node and wire mounted). */
      dragFrameMs: FrameStats;
      dragMovedPx: number;
      /** Zoomed to 100% on the middle of the graph: what is off screen is not rendered. */
      dragAt100FrameMs: FrameStats;
      /** client/dist older than client/src: the numbers are for the last build. */
      staleBuild: boolean;
    }
  | { ok: false; reason: string };

function newestMtime(p: string): number {
  const s = statSync(p);
  return s.isDirectory() ? Math.max(0, ...readdirSync(p).map((f) => newestMtime(path.join(p, f)))) : s.mtimeMs;
}

/** In the page before any of its scripts: the document to restore, and a per-frame watch for "all nodes rendered". */
function initScript(arg: { key: string; saved: string; count: number }): void {
  localStorage.setItem(arg.key, arg.saved);
  const w = window as unknown as { __bench: { renderedAt?: number; edges?: number } };
  w.__bench = {};
  const watch = () => {
    const nodes = document.querySelectorAll<HTMLElement>(".react-flow__node");
    // A node is drawn once React Flow has measured it; until then it is visibility: hidden.
    if (nodes.length >= arg.count && [...nodes].every((n) => n.style.visibility !== "hidden")) {
      w.__bench.renderedAt = performance.now();
      // Wires are components when zoomed in, one sketched layer when a big graph is zoomed out.
      const sketch = document.querySelector<HTMLElement>('[data-testid="wire-sketch"]');
      w.__bench.edges = document.querySelectorAll(".react-flow__edge").length + Number(sketch?.dataset.wires ?? 0);
      return;
    }
    requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
}

async function loadOnce(browser: Browser, url: string, saved: string, count: number, timeoutMs: number): Promise<{ page: Page; ms: number; edges: number }> {
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // tsx compiles with esbuild's keepNames, which wraps named functions in __name(); the functions
  // we hand to the page are serialised with those calls in them, so the page needs the helper.
  await page.addInitScript({ content: "globalThis.__name = (f) => f;" });
  await page.addInitScript(initScript, { key: AUTOSAVE_KEY, saved, count });
  await page.goto(url);
  try {
    await page.waitForFunction(() => (window as unknown as { __bench: { renderedAt?: number } }).__bench.renderedAt !== undefined, undefined, { timeout: timeoutMs, polling: 100 });
  } catch {
    const seen = await page
      .evaluate(() => {
        const nodes = [...document.querySelectorAll<HTMLElement>(".react-flow__node")];
        return `${nodes.length} nodes in the page, ${nodes.filter((n) => n.style.visibility === "hidden").length} not yet measured`;
      })
      .catch((e: unknown) => `page unreadable: ${String(e)}`);
    await page.close();
    throw new Error(`the editor did not render ${count} nodes within ${timeoutMs / 1000} s (${seen})${errors.length ? `; page errors: ${errors.slice(0, 2).join(" | ")}` : ""}`);
  }
  const r = await page.evaluate(() => (window as unknown as { __bench: { renderedAt: number; edges: number } }).__bench);
  return { page, ms: r.renderedAt, edges: r.edges };
}

/** Drags the node nearest the middle of the canvas by its header; returns rAF frame gaps during the drag. */
async function dragOnce(page: Page, moves: number): Promise<{ frames: number[]; movedPx: number }> {
  await page.waitForTimeout(500); // let the initial fitView settle
  const target = await page.evaluate(() => {
    const pane = document.querySelector(".react-flow")!.getBoundingClientRect();
    const cx = pane.left + pane.width / 2, cy = pane.top + pane.height / 2;
    let best: { id: string; d: number } | undefined;
    for (const n of document.querySelectorAll<HTMLElement>(".react-flow__node")) {
      const r = n.getBoundingClientRect();
      const d = Math.hypot(r.left + r.width / 2 - cx, r.top + r.height / 2 - cy);
      if (!best || d < best.d) best = { id: n.dataset.id ?? "", d };
    }
    return best?.id;
  });
  if (!target) throw new Error("no node to drag");
  const node = page.locator(`.react-flow__node[data-id="${target}"]`);
  const header = node.locator("header");
  const box = await header.boundingBox();
  const before = await node.boundingBox();
  if (!box || !before) throw new Error(`node ${target} has no header on screen`);
  await page.evaluate(() => {
    const w = window as unknown as { __drag: { frames: number[]; on: boolean } };
    w.__drag = { frames: [], on: true };
    let last: number | undefined;
    const tick = (t: number) => {
      if (last !== undefined) w.__drag.frames.push(t - last);
      last = t;
      if (w.__drag.on) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const x0 = box.x + box.width / 2, y0 = box.y + box.height / 2;
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  for (let i = 1; i <= moves; i++) await page.mouse.move(x0 + i * 4, y0 + i * 2);
  await page.mouse.up();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const frames = await page.evaluate(() => {
    const w = window as unknown as { __drag: { frames: number[]; on: boolean } };
    w.__drag.on = false;
    return w.__drag.frames;
  });
  const after = await node.boundingBox();
  return { frames, movedPx: after ? Math.hypot(after.x - before.x, after.y - before.y) : 0 };
}

/** Wheel-zooms in on the middle of the canvas until the viewport's scale reaches `target`. */
async function zoomTo(page: Page, target: number): Promise<number> {
  const pane = await page.locator(".react-flow").boundingBox();
  if (!pane) throw new Error("no canvas on screen");
  await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
  const scale = () => page.evaluate(() => new DOMMatrix(getComputedStyle(document.querySelector(".react-flow__viewport")!).transform).a);
  for (let i = 0; i < 40 && (await scale()) < target; i++) {
    await page.mouse.wheel(0, -100);
    await page.waitForTimeout(60);
  }
  return scale();
}

/** `warmup`: one untimed load first (Chromium's code cache and the HTTP cache filled). */
export async function measureEditor(scratch: Scratch, o: { count: number; loads: number; warmup: boolean; moves: number; progress: Progress }): Promise<EditorFigures> {
  if (!existsSync(DIST)) return { ok: false, reason: "client/dist/index.html is missing: run `npm run build` (the editor is not built)" };
  if (!existsSync(CHROMIUM)) return { ok: false, reason: `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)` };
  const staleBuild = newestMtime(path.join(ROOT, "client/src")) > statSync(DIST).mtimeMs;
  if (staleBuild) o.progress.step("note: client/dist is older than client/src; timing the last build (run `npm run build` for current numbers)");

  const app = await createApp({ port: 0, dataDir: scratch.folder("editor-data"), services: scratch.services() });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"] });
  try {
    const saved = JSON.stringify({ workflow: gridWorkflow(o.count), dirty: false });
    const loads: number[] = [];
    let edges = 0;
    let page: Page | undefined;
    for (let i = o.warmup ? -1 : 0; i < o.loads; i++) {
      await page?.close();
      const r = await loadOnce(browser, `${app.url}/`, saved, o.count, 120_000);
      page = r.page;
      edges = r.edges;
      if (i >= 0) loads.push(r.ms);
      o.progress.step(`${i < 0 ? "warm-up load" : `load ${i + 1}/${o.loads}`}: ${o.count} nodes rendered at ${r.ms.toFixed(0)} ms`);
    }
    const drag = await dragOnce(page!, o.moves);
    o.progress.step(`drag: ${drag.frames.length} frames, node moved ${drag.movedPx.toFixed(0)} px`);
    if (drag.frames.length === 0) return { ok: false, reason: "no animation frames were recorded during the drag" };
    if (drag.movedPx < 1) o.progress.step("note: the dragged node did not move; frame times are for mouse moves over a still graph");
    const zoom = await zoomTo(page!, 1);
    const near = await dragOnce(page!, o.moves);
    o.progress.step(`drag at ${(zoom * 100).toFixed(0)}% zoom: ${near.frames.length} frames, node moved ${near.movedPx.toFixed(0)} px`);
    if (near.frames.length === 0) return { ok: false, reason: "no animation frames were recorded during the zoomed-in drag" };
    return {
      ok: true,
      nodes: o.count,
      edgesRendered: edges,
      loadMs: summarize(loads),
      dragFrameMs: frameStats(drag.frames),
      dragMovedPx: drag.movedPx,
      dragAt100FrameMs: frameStats(near.frames),
      staleBuild,
    };
  } finally {
    await browser.close();
    await app.close();
  }
}
