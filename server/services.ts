// Builds the Services bag every node receives (nodes/types.ts). Whoever extends `Services`
// by declaration merging constructs the new field here; tsc points at this file until they do.
import path from "node:path";
import { SHIPPED_MODELS } from "../nodes/model/roots.ts";
import { createModelCache } from "../nodes/model/runtime.ts";
import type { Services } from "../core/node/definition.ts";
import type { Provider } from "../nodes/model/pack.ts";

export interface ServiceOptions {
  /** Where output nodes write; default ./output. */
  outputDir?: string;
  tempDir?: string;
  inputDir?: string;
  /** Extra folders of model packs, searched after the shipped models/. */
  modelDirs?: string[];
  /** Run every model on this provider whatever nodes ask (a worker machine's `--device`). */
  device?: Provider;
}

/** `--models` folders, then those in T2V_MODEL_DIRS (separated by the platform's path delimiter, ":" or ";"). */
export function modelDirsFrom(flags: readonly string[] = [], env = process.env.T2V_MODEL_DIRS): string[] {
  return [...flags, ...(env ?? "").split(path.delimiter).filter((d) => d.trim() !== "")];
}

export function createServices(o: ServiceOptions = {}): Services {
  return {
    paths: {
      output: path.resolve(o.outputDir ?? "output"),
      temp: path.resolve(o.tempDir ?? "temp"),
      input: path.resolve(o.inputDir ?? "input"),
    },
    // nodes/model/values.ts: packs are opened lazily, on first use by a node.
    models: createModelCache({ device: o.device }),
    modelRoots: [SHIPPED_MODELS, ...(o.modelDirs ?? []).map((d) => path.resolve(d))],
  };
}
