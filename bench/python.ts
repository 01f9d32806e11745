// Runs the bench's Python helpers with Debian's interpreter (the one with python3-torch and
// python3-onnx); a missing interpreter or module is a reason to skip, never a failure.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PYTHON = process.env.T2V_PYTHON ?? (existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
const HERE = path.dirname(fileURLToPath(import.meta.url));

export interface PyResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** Why it did not run or finish: not found, timed out, exit code. */
  failure?: string;
}

export function runPython(script: string, args: string[], o: { timeoutMs?: number } = {}): Promise<PyResult> {
  return new Promise((resolve) => {
    execFile(PYTHON, [path.join(HERE, script), ...args], { timeout: o.timeoutMs ?? 120_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: unknown }) | null;
      const failure = !e ? undefined : e.code === "ENOENT" ? `${PYTHON} not found` : e.killed ? `${script} timed out` : `${script} exited with ${String(e.code)}`;
      resolve({ ok: !e, stdout: String(stdout), stderr: String(stderr), ...(failure ? { failure } : {}) });
    });
  });
}

/** The last non-empty line of a text, for a one-line reason. */
export const lastLine = (text: string): string => text.trim().split("\n").at(-1) ?? "";

/** Why a helper failed, in one line. */
export const whyFailed = (r: PyResult): string => [r.failure, lastLine(r.stderr)].filter(Boolean).join(": ");
