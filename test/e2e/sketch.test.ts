// The Sketch Scene's drawing widget in a real Chromium against the real server and model: the
// sketch is cleared and redrawn with the mouse, undo/redo cover it, and the generated clip's first
// frame has the balls where they were drawn.
import { execFileSync } from "node:child_process";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureClientBuilt, launchBrowser, screenshot, startStudio, type Browser, type Studio } from "./helpers.ts";

const FFMPEG = "/usr/bin/ffmpeg";
const WORLD = 8;
const CLIP = 256;
/** The two balls drawn (world metres, y up) and the radius dragged out. */
const BALLS = [
  { x: 2.5, y: 2.2 },
  { x: 5.5, y: 2.2 },
];
const RADIUS = 0.65;
/** The arrow on the first ball: 1.5 m to the right, 3 m/s at the palette's 0.5 m per m/s. */
const ARROW = 1.5;
const METRES_PER_SPEED = 0.5;

const node = (id: string) => `[data-testid="node-${id}"]`;
const sketchNode = node("10");
const dialog = '[data-testid="sketch-dialog"]';
const sketchJson = `${sketchNode} textarea[name="sketch"]`;

interface DrawnObject {
  shape: string;
  color: string;
  x: number;
  y: number;
  size: number;
  vx: number;
  vy: number;
}

let studio: Studio;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  ensureClientBuilt();
  [studio, browser] = await Promise.all([startStudio(), launchBrowser()]);
  page = await browser.context.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
});

afterAll(async () => {
  await browser?.close();
  await studio?.close();
});

const objects = async (): Promise<DrawnObject[]> => (JSON.parse(await page.locator(sketchJson).inputValue()) as { objects: DrawnObject[] }).objects;

/** A world point (metres, y up) on a sketch surface, in page pixels. */
async function onSurface(surface: string, p: { x: number; y: number }): Promise<{ x: number; y: number }> {
  const box = await page.locator(surface).boundingBox();
  if (!box) throw new Error(`${surface} is not visible`);
  return { x: box.x + (p.x / WORLD) * box.width, y: box.y + ((WORLD - p.y) / WORLD) * box.height };
}

async function drag(surface: string, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  const a = await onSurface(surface, from);
  const b = await onSurface(surface, to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 10 });
  await page.mouse.up();
}

/** Connected red regions of an RGB frame: centre and pixel count of each. */
function redBlobs(rgb: Buffer, w: number, h: number): { x: number; y: number; n: number }[] {
  const red = (i: number) => rgb[3 * i]! > 150 && rgb[3 * i + 1]! < 110 && rgb[3 * i + 2]! < 110;
  const seen = new Uint8Array(w * h);
  const blobs = [];
  for (let start = 0; start < w * h; start++) {
    if (seen[start] || !red(start)) continue;
    const stack = [start];
    seen[start] = 1;
    let n = 0, sx = 0, sy = 0;
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % w, y = Math.floor(i / w);
      n++;
      sx += x + 0.5;
      sy += y + 0.5;
      for (const [nx, ny] of [[x - 1, y], [x + 1, y], [x, y - 1], [x, y + 1]] as const) {
        const j = ny * w + nx;
        if (nx >= 0 && nx < w && ny >= 0 && ny < h && !seen[j] && red(j)) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    blobs.push({ x: sx / n, y: sy / n, n });
  }
  return blobs;
}

describe("the sketch widget", () => {
  it("opens the sketch-to-video template with the drawing on Sketch Scene", async () => {
    await page.goto(studio.url);
    await page.waitForSelector(node("9"), { timeout: 30_000 });
    await page.keyboard.press("Control+o");
    await page.locator('[data-testid="library"] li[data-name="sketch-to-video"][data-source="shipped"] button', { hasText: "Open" }).click();
    await page.waitForSelector(`${sketchNode}[data-type="t2v.SketchScene"] [data-testid="sketch-surface"]`, { timeout: 15_000 });
    expect(await page.locator(".react-flow__node-studio").count()).toBe(14);
    await page.locator(`${sketchNode} [data-testid="sketch-json"]`).click();
    expect(await objects()).toHaveLength(2);
    expect(await page.locator(`${sketchNode} .sketch-object`).count()).toBe(2);
    expect(await page.locator(`${sketchNode} .sketch-arrow`).count()).toBe(1);
  });

  it("clears the sketch: select each object, Delete removes it and not the node", async () => {
    const surface = `${sketchNode} [data-testid="sketch-surface"]`;
    await page.locator(`${sketchNode} [data-testid="sketch-tool-select"]`).click();
    for (let left = 2; left > 0; left--) {
      const first = (await objects())[0]!;
      const p = await onSurface(surface, first);
      await page.mouse.click(p.x, p.y);
      expect(await page.locator(`${sketchNode} .sketch-object.selected`).count()).toBe(1);
      await page.keyboard.press("Delete");
      await expect.poll(objects).toHaveLength(left - 1);
    }
    expect(await page.locator(`${sketchNode} .sketch-object`).count()).toBe(0);
    expect(await page.locator(".react-flow__node-studio").count()).toBe(14);
  });

  it("draws two balls and an arrow with the mouse in the enlarged sketch", async () => {
    await page.locator(`${sketchNode} [data-testid="sketch-enlarge"]`).click();
    const surface = `${dialog} [data-testid="sketch-surface"]`;
    const box = await page.locator(surface).boundingBox();
    expect(box?.width).toBeGreaterThan(400);
    await page.locator(`${dialog} [data-testid="sketch-color-red"]`).click();
    await page.locator(`${dialog} [data-testid="sketch-tool-ball"]`).click();
    for (const b of BALLS) await drag(surface, b, { x: b.x + RADIUS, y: b.y });
    await page.locator(`${dialog} [data-testid="sketch-tool-arrow"]`).click();
    await drag(surface, BALLS[0]!, { x: BALLS[0]!.x + ARROW, y: BALLS[0]!.y });

    const drawn = await objects();
    expect(drawn).toHaveLength(2);
    drawn.forEach((o, i) => {
      expect(o).toMatchObject({ shape: "ball", color: "red" });
      expect(Math.abs(o.x - BALLS[i]!.x), `ball ${i + 1} x`).toBeLessThan(0.1);
      expect(Math.abs(o.y - BALLS[i]!.y), `ball ${i + 1} y`).toBeLessThan(0.1);
      expect(Math.abs(o.size - RADIUS), `ball ${i + 1} size`).toBeLessThan(0.1);
    });
    expect(drawn[0]!.vx).toBeCloseTo(ARROW / METRES_PER_SPEED, 0);
    expect(Math.abs(drawn[0]!.vy)).toBeLessThan(0.3);
    expect(drawn[1]).toMatchObject({ vx: 0, vy: 0 });
    expect(await page.locator(`${dialog} .sketch-arrow`).count()).toBe(1);
    await screenshot(page, "sketch-enlarged");
  });

  it("Ctrl+Z undoes the arrow and Ctrl+Shift+Z redoes it, from inside the widget", async () => {
    expect(await page.evaluate(() => document.activeElement?.closest('[data-testid="sketch-dialog"]') !== null)).toBe(true);
    await page.keyboard.press("Control+z");
    await expect.poll(async () => (await objects())[0]?.vx).toBe(0);
    expect(await objects()).toHaveLength(2);
    expect(await page.locator(`${dialog} .sketch-arrow`).count()).toBe(0);
    await page.keyboard.press("Control+Shift+z");
    await expect.poll(async () => (await objects())[0]?.vx).toBeCloseTo(ARROW / METRES_PER_SPEED, 0);
    expect(await page.locator(`${dialog} .sketch-arrow`).count()).toBe(1);
    await page.locator(`${dialog} [data-testid="sketch-close"]`).click();
    expect(await page.locator(dialog).count()).toBe(0);
    expect(await page.locator(`${sketchNode} .sketch-object`).count()).toBe(2);
  });

  it("queues the drawing: the clip's first frame has the balls where they were drawn", async () => {
    await page.getByTestId("queue").click();
    await page.waitForSelector(`${node("9")} [data-testid="download"]`, { timeout: 240_000 });
    await page.waitForFunction(() => !document.querySelector('[data-testid="interrupt"]'), undefined, { timeout: 60_000 });
    expect(await page.locator(sketchNode).getAttribute("data-status")).toBe("done");
    const href = await page.locator(`${node("9")} [data-testid="download"]`).getAttribute("href");
    const res = await page.request.get(new URL(href ?? "", studio.url).href);
    expect(res.status()).toBe(200);
    const frame = execFileSync(FFMPEG, ["-v", "error", "-f", "mp4", "-i", "pipe:0", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"], {
      input: await res.body(),
      maxBuffer: 16 << 20,
    });
    expect(frame.length).toBe(CLIP * CLIP * 3);
    const blobs = redBlobs(frame, CLIP, CLIP).filter((b) => b.n >= 20);
    const found = BALLS.map((b) => {
      const want = { x: (b.x / WORLD) * CLIP, y: ((WORLD - b.y) / WORLD) * CLIP };
      const near = blobs.map((blob, k) => ({ ...blob, k, d: Math.hypot(blob.x - want.x, blob.y - want.y) })).sort((p, q) => p.d - q.d)[0];
      return { want, near };
    });
    console.log(`sketch e2e: red blobs ${JSON.stringify(blobs.map((b) => [Math.round(b.x), Math.round(b.y), b.n]))}; distances to the drawn centres (px of ${CLIP}): ${found.map((f) => f.near?.d.toFixed(1) ?? "none").join(", ")}`);
    for (const [i, f] of found.entries()) {
      expect(f.near, `a red blob near ball ${i + 1}`).toBeDefined();
      expect(f.near!.d, `ball ${i + 1}: blob at (${f.near!.x.toFixed(0)}, ${f.near!.y.toFixed(0)}), drawn at (${f.want.x.toFixed(0)}, ${f.want.y.toFixed(0)})`).toBeLessThanOrEqual(24);
    }
    expect(found[0]!.near!.k, "one blob per ball").not.toBe(found[1]!.near!.k);
    await screenshot(page, "sketch-after-run");
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
