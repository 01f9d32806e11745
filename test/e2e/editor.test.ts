// The editor end to end: a real Chromium, the real server and the bundled physics-tiny model.
// One page walks through the studio in order (each test starts where the last one left it).
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { comfyPng } from "../video/comfy-fixtures.ts";
import { dragBetween, ensureClientBuilt, handle, launchBrowser, screenshot, startStudio, type Browser, type Studio } from "./helpers.ts";

const PROMPT = "a red ball falls and bounces on the ground";
const node = (id: string) => `[data-testid="node-${id}"]`;
const edge = (id: string) => `[data-testid="rf__edge-${id}"]`;
const promptBox = `${node("2")} textarea[name="text"]`;
const stepsBox = `${node("5")} input[name="steps"]`;
const videoLink = `${node("9")} [data-testid="download"]`;

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

const statusOf = (id: string) => page.locator(node(id)).getAttribute("data-status");

async function waitForJobEnd(): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('[data-testid="interrupt"]'), undefined, { timeout: 90_000 });
}

describe("the editor", () => {
  it("opens on the text-to-video template with a hint", async () => {
    await page.goto(studio.url);
    await page.waitForSelector(node("9"), { timeout: 30_000 });
    await expect.poll(() => page.locator(".react-flow__node-studio").count()).toBe(10);
    expect(await page.locator(".react-flow__edge").count()).toBe(13);
    expect(await page.locator(promptBox).inputValue()).toBe(PROMPT);
    expect(await page.getByTestId("hint").textContent()).toContain("Ctrl+Enter");
    expect(await page.getByTestId("doc-title").textContent()).toContain("Text to video");
    // Widgets come from the catalogue: a number with its range, a select with its choices.
    expect(await page.locator(stepsBox).getAttribute("max")).toBe("200");
    expect(await page.locator(`${node("6")} select[name="sampler_name"] option`).count()).toBeGreaterThan(3);
  });

  it("refuses a wrong-type wire as it is drawn, accepts a right one, undoes it", async () => {
    // LATENT → CONDITIONING: no edge appears and the prompt's wire into `positive` stays.
    await dragBetween(page, handle("4", "LATENT", "source"), handle("6", "positive", "target"));
    expect(await page.locator(".react-flow__edge").count()).toBe(13);
    expect(await page.locator(edge("5")).count()).toBe(1);
    // CONDITIONING → CONDITIONING replaces the negative prompt's wire.
    await dragBetween(page, handle("2", "CONDITIONING", "source"), handle("6", "negative", "target"));
    await expect.poll(() => page.locator(edge("6")).count()).toBe(0);
    expect(await page.locator(".react-flow__edge").count()).toBe(13);
    await page.keyboard.press("Control+z");
    await expect.poll(() => page.locator(edge("6")).count()).toBe(1);
  });

  it("points a refused queue at the node and field", async () => {
    await page.locator(`${node("2")} .node-title`).click();
    await page.keyboard.press("Delete");
    await expect.poll(() => page.locator(".react-flow__node-studio").count()).toBe(9);
    await page.getByTestId("queue").click();
    await page.waitForSelector(`${node("6")}.has-problem .socket.in.invalid`, { timeout: 10_000 });
    expect(await page.getByTestId("toast-error").first().textContent()).toMatch(/node 6\.positive/);
    await page.keyboard.press("Control+z");
    await expect.poll(() => page.locator(".react-flow__node-studio").count()).toBe(10);
    await expect.poll(() => page.locator(edge("5")).count()).toBe(1);
  });

  it("queues with Ctrl+Enter: previews sharpen in the sampler, the video plays", async () => {
    // Every preview step the sampler node shows, recorded in the page as it changes.
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { previewSteps: number[] }).previewSteps = seen;
      new MutationObserver(() => {
        const step = Number(document.querySelector<HTMLElement>('[data-testid="node-6"] [data-testid="preview"]')?.dataset.step);
        if (step > 0 && !seen.includes(step)) seen.push(step);
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-step"] });
    });
    await page.locator(".react-flow__pane").click({ position: { x: 20, y: 20 } });
    await page.keyboard.press("Control+Enter");
    await page.waitForFunction(() => (window as unknown as { previewSteps: number[] }).previewSteps.length >= 2, undefined, { timeout: 60_000 });
    await screenshot(page, "editor-mid-run");
    await page.waitForSelector(`${node("9")} video`, { timeout: 90_000 });
    const steps = await page.evaluate(() => (window as unknown as { previewSteps: number[] }).previewSteps);
    expect(steps.length, `preview steps seen: ${steps.join(",")}`).toBeGreaterThanOrEqual(3);
    expect(steps.at(-1)).toBe(20);
    expect(await page.locator(`${node("6")} [data-testid="preview"]`).getAttribute("data-frames")).toBe("16");
    // The finished video plays inline …
    await page.waitForFunction(
      () => {
        const v = document.querySelector<HTMLVideoElement>('[data-testid="node-9"] video');
        return v !== null && v.readyState >= 2 && v.videoWidth > 0;
      },
      undefined,
      { timeout: 30_000 },
    );
    await waitForJobEnd();
    for (const id of ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]) expect(await statusOf(id), `node ${id}`).toBe("done");
    // … and downloads through /view.
    const href = await page.locator(videoLink).getAttribute("href");
    const res = await page.request.get(new URL(href ?? "", studio.url).href);
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toContain("video/mp4");
    expect((await res.body()).byteLength).toBeGreaterThan(1000);
    // The refusal's toast from the test before went away when this queue was accepted.
    expect(await page.getByTestId("toast-error").count()).toBe(0);
    await page.waitForTimeout(500);
    await screenshot(page, "editor-after-run");
    expect(await page.locator(`${node("5")} [data-testid="sigma-curve"]`).count()).toBe(1);
  }, 120_000);

  it("re-runs after a change: unchanged nodes are marked cached", async () => {
    await page.locator(stepsBox).fill("8");
    await page.getByTestId("queue").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="node-9"] [data-testid="download"]')?.textContent?.includes("00002"), undefined, { timeout: 90_000 });
    await waitForJobEnd();
    for (const id of ["1", "2", "3", "4", "10"]) expect(await statusOf(id), `node ${id}`).toBe("cached");
    for (const id of ["5", "6", "7", "8", "9"]) expect(await statusOf(id), `node ${id}`).toBe("done");
    expect(await page.locator(`${node("6")} .node-meta`).textContent()).toContain("8 steps");
  }, 120_000);

  it("restores a workflow from a dropped generated video", async () => {
    const href = await page.locator(videoLink).getAttribute("href");
    const bytes = await (await page.request.get(new URL(href ?? "", studio.url).href)).body();
    await page.locator(promptBox).fill("something else entirely");
    await page.locator(stepsBox).fill("3");
    await page.evaluate(
      ({ b64 }) => {
        const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([data], "t2v_00002.mp4", { type: "video/mp4" }));
        const pane = document.querySelector(".react-flow__pane");
        for (const type of ["dragenter", "dragover", "drop"]) pane?.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt, clientX: 500, clientY: 400 }));
      },
      { b64: bytes.toString("base64") },
    );
    await expect.poll(() => page.locator(promptBox).inputValue(), { timeout: 15_000 }).toBe(PROMPT);
    expect(await page.locator(stepsBox).inputValue()).toBe("8");
  });

  it("saves to the library, survives a reload, reopens the saved one", async () => {
    await page.keyboard.press("Control+s");
    await page.locator('[data-testid="library"] input[name="workflow-name"]').fill("my flow");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByTestId("unsaved").count()).toBe(0);
    expect(await page.getByTestId("doc-title").textContent()).toContain("my flow");

    await page.locator(promptBox).fill("a blue box slides to the left");
    await expect.poll(() => page.getByTestId("unsaved").count()).toBe(1);
    await page.reload();
    await page.waitForSelector(node("9"));
    // The edit survived the reload, still marked unsaved.
    expect(await page.locator(promptBox).inputValue()).toBe("a blue box slides to the left");
    expect(await page.getByTestId("unsaved").count()).toBe(1);

    await page.locator(".react-flow__pane").click({ position: { x: 20, y: 20 } });
    await page.keyboard.press("Control+o");
    await page.locator('[data-testid="library"] li[data-name="my flow"][data-source="user"] button', { hasText: "Open" }).click();
    await expect.poll(() => page.locator(promptBox).inputValue()).toBe(PROMPT);
    expect(await page.getByTestId("unsaved").count()).toBe(0);
  });

  it("round-trips a share link, and pastes nodes copied in another tab", async () => {
    await page.locator(promptBox).fill("two balls collide in the air");
    await page.locator('[data-testid="workflow-menu"] summary').click();
    await page.getByTestId("share").click();
    const link = await page.getByTestId("share-link").inputValue();
    expect(link).toMatch(/#wf=[\w-]+$/);

    const other = await browser.context.newPage();
    try {
      await other.goto(link);
      await other.waitForSelector(node("9"));
      expect(await other.locator(promptBox).inputValue()).toBe("two balls collide in the air");
      expect(await other.locator(".react-flow__node-studio").count()).toBe(10);
      expect(new URL(other.url()).hash).toBe("");

      // Copy the prompt node here, paste it in the other tab.
      await page.locator(`${node("2")} .node-title`).click();
      await page.keyboard.press("Control+c");
      await other.locator(".react-flow__pane").click({ position: { x: 30, y: 30 } });
      await other.keyboard.press("Control+v");
      await expect.poll(() => other.locator(".react-flow__node-studio").count()).toBe(11);
      expect(await other.locator(`${node("11")} textarea[name="text"]`).inputValue()).toBe("two balls collide in the air");
    } finally {
      await other.close();
    }
  });

  it("live tweak: scrubbing steps on a running job patches it at the next step", async () => {
    await page.locator(stepsBox).fill("180");
    await page.getByTestId("queue").click();
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-testid="node-6"] [data-testid="preview"]')?.dataset.steps) === 180, undefined, { timeout: 60_000 });
    // Drag the steps label to the right, one step per 4 px: 180 → 190 (more steps apply at any
    // point of the run; 180 steps keep the run going well past the drag on a fast machine).
    const label = await page.locator(`${node("5")} [data-param="steps"] .widget-label`).boundingBox();
    if (!label) throw new Error("no steps label");
    await page.mouse.move(label.x + 10, label.y + label.height / 2);
    await page.mouse.down();
    await page.mouse.move(label.x + 10 + 40, label.y + label.height / 2, { steps: 8 });
    await page.mouse.up();
    const steps = Number(await page.locator(stepsBox).inputValue());
    expect(steps).toBe(190);
    await expect.poll(() => page.locator(".toast", { hasText: `Live: steps = ${steps} applied` }).count(), { timeout: 30_000 }).toBe(1);
    // The preview follows: its step count is the new one.
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-testid="node-6"] [data-testid="preview"]')?.dataset.steps === "190", undefined, { timeout: 60_000 });
    await waitForJobEnd();
    expect(await page.locator(`${node("6")} .node-meta`).textContent()).toContain("190 steps");
    expect(await statusOf("9")).toBe("done");
  }, 120_000);

  it("opens a 1,000-node workflow and stays responsive", async () => {
    const nodes = [];
    const links = [];
    for (let i = 0; i < 500; i++) {
      const x = (i % 25) * 600;
      const y = Math.floor(i / 25) * 200;
      nodes.push({ id: `${2 * i + 1}`, type: "t2v.Int", params: { value: i }, position: { x, y } });
      nodes.push({ id: `${2 * i + 2}`, type: "t2v.IntMath", params: { a: 0, op: "add", b: 1 }, position: { x: x + 280, y } });
      links.push({ id: `${i + 1}`, from: { node: `${2 * i + 1}`, output: "INT" }, to: { node: `${2 * i + 2}`, input: "a" } });
    }
    const file = path.join(studio.dir, "big.json");
    writeFileSync(file, JSON.stringify({ version: 2, metadata: { title: "big", description: "" }, nodes, links, groups: [], notes: [] }));
    await page.getByTestId("open-file").setInputFiles(file);
    await expect.poll(() => page.getByTestId("node-count").textContent(), { timeout: 30_000 }).toBe("1000 nodes");
    await page.waitForSelector(".react-flow__node-studio");
    // Framed whole, it is too far out to click a wire: all 500 are sketched in one layer.
    const sketch = page.getByTestId("wire-sketch");
    await expect.poll(() => sketch.getAttribute("data-wires"), { timeout: 10_000 }).toBe("500");
    expect(await sketch.locator("path").count()).toBeGreaterThan(0);
    expect(await page.locator(".react-flow__edge").count()).toBe(0);
    // Zoomed in, wires are components again, and only what is on screen is rendered.
    const box = await page.locator(".react-flow__pane").boundingBox();
    if (!box) throw new Error("no canvas");
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 20 && (await page.locator(".react-flow__edge").count()) === 0; i++) {
      await page.mouse.wheel(0, -200);
      await page.waitForTimeout(100);
    }
    expect(await sketch.count()).toBe(0);
    const wires = await page.locator(".react-flow__edge").count();
    expect(wires).toBeGreaterThan(0);
    expect(wires).toBeLessThan(500);
    expect(await page.locator(".react-flow__node-studio").count()).toBeLessThan(1000);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it("opens ComfyUI files: a dropped UI-format workflow (placeholders, modes) and a ComfyUI PNG", async () => {
    const drop = (b64: string, name: string, type: string) =>
      page.evaluate(
        ({ b64, name, type }) => {
          const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const dt = new DataTransfer();
          dt.items.add(new File([data], name, { type }));
          const pane = document.querySelector(".react-flow__pane");
          for (const t of ["dragenter", "dragover", "drop"]) pane?.dispatchEvent(new DragEvent(t, { bubbles: true, cancelable: true, dataTransfer: dt, clientX: 500, clientY: 400 }));
        },
        { b64, name, type },
      );
    const shared = readFileSync(path.join(import.meta.dirname, "../fixtures/comfyui/shared-0.4.json"));
    await drop(shared.toString("base64"), "shared.json", "application/json");
    await page.waitForSelector(`${node("9")}[data-missing="true"]`, { timeout: 15_000 });
    expect(await page.getByTestId("node-count").textContent()).toBe("11 nodes");
    expect(await page.locator(node("3")).getAttribute("data-type")).toBe("t2v.Sampler");
    expect(await page.locator(node("10")).getAttribute("class")).toContain("mode-bypassed");
    expect(await page.locator(node("11")).getAttribute("class")).toContain("mode-muted");
    await expect.poll(() => page.getByTestId("toast-error").allTextContents(), { timeout: 5000 }).toContainEqual(expect.stringContaining("3 node types are not installed: SaveImage, VHS_VideoCombine, VHS_LoadVideoPath"));
    expect((await page.getByTestId("toast-info").allTextContents()).join("\n")).toContain("link 16 (node 99 #0 → node 9 #0) dropped: node 99 does not exist");
    // Ctrl+M mutes the selection, as in ComfyUI; again un-mutes it.
    await page.locator(`${node("6")} header`).click();
    await page.keyboard.press("Control+m");
    expect(await page.locator(node("6")).getAttribute("class")).toContain("mode-muted");
    await screenshot(page, "comfyui-import");
    await page.keyboard.press("Control+m");
    expect(await page.locator(node("6")).getAttribute("class")).not.toContain("mode-muted");

    const png = await comfyPng({ workflow: JSON.parse(readFileSync(path.join(import.meta.dirname, "../fixtures/comfyui/subgraph-1.0.json"), "utf8")) });
    await drop(png.toString("base64"), "ComfyUI_00001_.png", "image/png");
    await page.waitForSelector('[data-testid="node-2:1"]', { timeout: 15_000 });
    expect(await page.locator('[data-testid="node-2:1"] textarea[name="text"]').inputValue()).toBe("two green boxes slide apart");
    expect(await page.getByTestId("node-count").textContent()).toBe("3 nodes");
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it("uploads a picture into Load Image from the node, and shows it", async () => {
    const file = path.join(studio.dir, "load-image.json");
    const nodes = [
      { id: "1", type: "t2v.LoadImage", params: {}, position: { x: 0, y: 0 } },
      { id: "2", type: "t2v.PreviewFrames", params: {}, position: { x: 400, y: 0 } },
    ];
    writeFileSync(file, JSON.stringify({ version: 2, metadata: { title: "img", description: "" }, nodes, links: [{ id: "1", from: { node: "1", output: "FRAMES" }, to: { node: "2", input: "frames" } }] }));
    await page.getByTestId("open-file").setInputFiles(file);
    await page.waitForSelector(node("1"));
    const png = await comfyPng({});
    await page.locator(`${node("1")} input[type="file"]`).setInputFiles({ name: "ball.png", mimeType: "image/png", buffer: png });
    await expect.poll(() => page.locator(`${node("1")} input[name="image"]`).inputValue(), { timeout: 10_000 }).toBe("ball.png");
    await page.waitForFunction((sel) => ((document.querySelector(sel) as HTMLImageElement | null)?.naturalWidth ?? 0) > 0, `${node("1")} img.upload-preview`, { timeout: 10_000 });
    // The input folder's images are offered as the name's suggestions.
    await expect.poll(() => page.locator(`${node("1")} datalist option`).evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)), { timeout: 10_000 }).toContain("ball.png");
    expect(pageErrors).toEqual([]);
  });

  it("shows a node's warning as a toast that points at the node (a colour the palette lacks)", async () => {
    const file = path.join(studio.dir, "pink.json");
    const doc = JSON.parse(readFileSync(new URL("../../workflows/text-to-video.json", import.meta.url), "utf8")) as { nodes: { id: string; params: Record<string, unknown> }[] };
    for (const n of doc.nodes) {
      if (n.id === "2") n.params.text = "a pink ball falls and bounces on the ground";
      if (n.id === "5") n.params.steps = 2;
    }
    writeFileSync(file, JSON.stringify(doc));
    await page.getByTestId("open-file").setInputFiles(file);
    await expect.poll(() => page.locator(promptBox).inputValue(), { timeout: 10_000 }).toContain("pink");
    await page.getByTestId("queue").click();
    await expect.poll(() => page.getByTestId("toast-warning").allTextContents(), { timeout: 60_000 }).toContainEqual(expect.stringMatching(/^node 2: .*pink.*red/));
    await page.getByTestId("toast-warning").first().click();
    await waitForJobEnd();
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
