// What the numbers were measured on: printed first and written into the JSON.
import { createRequire } from "node:module";
import os from "node:os";
import * as ort from "onnxruntime-node";

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  onnxruntime: string;
  os: string;
  memory_gb: number;
  /** 1-minute load average when the bench started: other work on the machine distorts every figure. */
  load_avg_1m: number;
}

export function describeMachine(): Machine {
  const require = createRequire(import.meta.url);
  const ortVersion = ort.env.versions.node ?? (require("onnxruntime-node/package.json") as { version: string }).version;
  return {
    cpu: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.availableParallelism(),
    node: process.version,
    onnxruntime: ortVersion,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    memory_gb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    load_avg_1m: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}

export function formatMachine(m: Machine): string {
  const lines = [
    `CPU          ${m.cpu} (${m.cores} cores)`,
    `Memory       ${m.memory_gb} GB`,
    `OS           ${m.os}`,
    `Node         ${m.node}`,
    `onnxruntime  onnxruntime-node ${m.onnxruntime} (CPU execution provider)`,
    `Load         ${m.load_avg_1m} (1-minute average at start${m.load_avg_1m > m.cores * 0.25 ? "; other work is running: timings are distorted" : ""})`,
  ];
  return lines.join("\n");
}
