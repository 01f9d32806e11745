// The editor in a real headless Chromium against a real in-process server (real registry,
// real model pack, temp folders). Builds client/dist first when it is missing or stale.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { createApp, type App } from "../../server/app.ts";
import { createServices } from "../../server/services.ts";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOTS = path.join(ROOT, "screenshots");
const DIST = path.join(ROOT, "client/dist/index.html");
/** What the bundle is made from: a change to any of these rebuilds it. */
const SOURCES = ["client/src", "client/index.html", "client/vite.config.ts", "core"];

function newestMtime(p: string): number {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(p).map((f) => newestMtime(path.join(p, f))));
}

/** `npx vite build client` unless client/dist is newer than every source (a lock keeps two files from building at once). */
export function ensureClientBuilt(): void {
  const lock = path.join(ROOT, "client/.build-lock");
  const fresh = () => existsSync(DIST) && statSync(DIST).mtimeMs >= Math.max(...SOURCES.map((s) => newestMtime(path.join(ROOT, s))));
  if (fresh()) return;
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (i > 600) throw new Error(`${lock} held for over 2 minutes; remove it if no build is running`);
      execFileSync("sleep", ["0.2"]);
    }
  }
  try {
    if (!fresh()) execFileSync("npx", ["vite", "build", "client"], { cwd: ROOT, stdio: "pipe" });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface Studio {
  app: App;
  url: string;
  dir: string;
  close(): Promise<void>;
}

export async function startStudio(): Promise<Studio> {
  const dir = mkdtempSync(path.join(tmpdir(), "t2v-e2e-"));
  const folder = (name: string) => {
    const p = path.join(dir, name);
    mkdirSync(p, { recursive: true });
    return p;
  };
  const app = await createApp({
    port: 0,
    dataDir: folder("data"),
    services: createServices({ outputDir: folder("output"), tempDir: folder("temp"), inputDir: folder("input") }),
  });
  return {
    app,
    url: app.url,
    dir,
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Chromium with a fresh profile. Missing Chromium is a failure, never a skip. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
  const profile = mkdtempSync(path.join(tmpdir(), "t2v-e2e-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    viewport: { width: 1500, height: 900 },
    acceptDownloads: true,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** Drags with the mouse from the centre of one element to the centre of another. */
export async function dragBetween(page: Page, from: string, to: string): Promise<void> {
  const a = await page.locator(from).boundingBox();
  const b = await page.locator(to).boundingBox();
  if (!a || !b) throw new Error(`cannot drag: ${a ? to : from} is not visible`);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}

export const handle = (nodeId: string, name: string, type: "source" | "target") =>
  `[data-testid="rf__node-${nodeId}"] .react-flow__handle.${type}[data-handleid="${name}"]`;
