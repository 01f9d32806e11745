// Runs `npm run eval -- ARGS` as a user would, its JSON and pictures into `dir`; fails the test unless it exits 0.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** T: the eval's result type, where it has one; otherwise what JSON.parse gives. */
export function runEval<T = ReturnType<typeof JSON.parse>>(args: string[], dir: string, timeout: number): { stdout: string; json: T } {
  const file = join(dir, "eval.json");
  const r = spawnSync(process.execPath, ["--import", "tsx", "training/eval.ts", ...args, "--json", file, "--out", dir], { cwd: root, encoding: "utf8", timeout });
  expect(r.status, r.stderr).toBe(0);
  return { stdout: r.stdout, json: JSON.parse(readFileSync(file, "utf8")) as T };
}
