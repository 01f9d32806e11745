// `t2v run <workflow.json>`: validate, run headless with progress, print outputs.
import type { Command } from "commander";
import pino from "pino";
import { builtinNodes } from "../../nodes/index.ts";
import { createEngine, missingTypes, missingTypesMessage, validate, WorkflowFormatError, type Registry, type Workflow } from "../../core/engine/index.ts";
import { customNodeDirs, loadCustomNodes } from "../custom-nodes.ts";
import { applySets, formatValidationError, outputFiles, readWorkflowFile } from "../run-workflow.ts";
import { createServices, modelDirsFrom } from "../services.ts";
import { collect } from "./flags.ts";
import { reportProgress } from "./progress.ts";

export const EXIT_NODE_ERROR = 1;
export const EXIT_INVALID = 2;
export const EXIT_INTERRUPTED = 130;

interface RunFlags {
  set: string[];
  out?: string;
  json?: boolean;
  models?: string[];
  customNodes?: string[];
}

/** "node 2 (Text Encode)": a node as the run's messages name it. */
function nodeLabel(wf: Workflow | undefined, registry: Registry | undefined, nodeId: string): string {
  const node = wf?.nodes.find((n) => n.id === nodeId);
  return `node ${nodeId} (${node ? (registry?.get(node.type)?.title ?? node.type) : "?"})`;
}

/** pino's JSON lines written for people, as the workflow file's warnings are: "warning: node 2 (Text Encode): …". */
function readableLog(label: (nodeId: string) => string): { write(line: string): void } {
  const LEVELS: [number, string][] = [[50, "error"], [40, "warning"], [30, "info"], [0, "debug"]];
  return {
    write(line: string) {
      let entry: { level?: unknown; msg?: unknown; nodeId?: unknown };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        process.stderr.write(line);
        return;
      }
      const level = typeof entry.level === "number" ? entry.level : 0;
      const name = LEVELS.find(([min]) => level >= min)![1];
      const where = typeof entry.nodeId === "string" ? `${label(entry.nodeId)}: ` : "";
      process.stderr.write(`${name}: ${where}${String(entry.msg ?? "")}\n`);
    },
  };
}

async function runCommand(file: string, flags: RunFlags): Promise<number> {
  const print = (obj: unknown) => process.stdout.write(`${JSON.stringify(obj, null, 2)}\n`);
  const invalid = (errors: string[], structured: unknown[] = errors) => {
    if (flags.json) print({ status: "invalid", errors: structured });
    else for (const e of errors) process.stderr.write(`error: ${e}\n`);
    return EXIT_INVALID;
  };

  const services = createServices({ outputDir: flags.out, modelDirs: modelDirsFrom(flags.models ?? []) });
  // The log names nodes once the registry and the workflow are read (the custom packs log before).
  const named: { wf?: Workflow; registry?: Registry } = {};
  const logger = pino({ level: process.env.T2V_LOG_LEVEL ?? "warn" }, readableLog((id) => nodeLabel(named.wf, named.registry, id)));
  const builtins = builtinNodes(services.modelRoots);
  const dirs = customNodeDirs(flags.customNodes ?? []);
  // With no folders this is just the built-ins' registry.
  const { registry } = await loadCustomNodes(dirs, builtins, logger);
  named.registry = registry;

  let wf;
  try {
    const read = await readWorkflowFile(file, registry);
    wf = read.workflow;
    for (const w of read.warnings) process.stderr.write(`warning: ${w}\n`);
  } catch (err) {
    if (err instanceof WorkflowFormatError) return invalid(err.issues.map((i) => `${file}: ${i}`));
    return invalid([err instanceof Error ? err.message : String(err)]);
  }
  const set = applySets(wf, flags.set);
  if (set.errors.length > 0) return invalid(set.errors);
  wf = set.workflow;
  named.wf = wf;
  const errors = validate(wf, registry);
  // Missing types first, named all at once; then every other error.
  const missing = missingTypes(wf, registry);
  const lines = [...(missing.length > 0 ? [missingTypesMessage(missing)] : []), ...errors.filter((e) => e.kind !== "unknown_type").map((e) => formatValidationError(e, wf))];
  if (lines.length > 0) return invalid(lines, errors);

  const engine = createEngine({ registry, services, logger });
  const abort = new AbortController();
  const onSigint = () => abort.abort(new Error("interrupted by SIGINT"));
  process.once("SIGINT", onSigint);
  const reporter = reportProgress(engine, { quiet: flags.json === true });
  let result;
  try {
    result = await engine.run(wf, { signal: abort.signal });
  } finally {
    reporter.stop();
    process.off("SIGINT", onSigint);
  }

  const files = outputFiles(result.outputs, services);
  if (flags.json) {
    const { jobId, status, durationMs, ran, cached, outputs, error, patches } = result;
    print({ status, jobId, durationMs, ran, cached, outputs, files, error, patches });
  } else {
    for (const [nodeId, ui] of Object.entries(result.outputs)) {
      for (const text of ui.text ?? []) process.stdout.write(`${nodeLabel(wf, registry, nodeId)}: ${text}\n`);
    }
    for (const f of files) process.stdout.write(`wrote ${f}\n`);
    if (result.error) process.stderr.write(`error: node ${result.error.nodeId} (${result.error.type}): ${result.error.message}\n`);
    if (result.status === "interrupted") process.stderr.write("interrupted\n");
    if (result.status === "success") process.stderr.write(`done in ${(result.durationMs / 1000).toFixed(2)} s\n`);
  }
  return result.status === "success" ? 0 : result.status === "interrupted" ? EXIT_INTERRUPTED : EXIT_NODE_ERROR;
}

export function register(program: Command): void {
  program
    .command("run")
    .description("run a workflow headless (our format, any version, or ComfyUI's API format)")
    .argument("<workflow>", "workflow JSON file")
    .option("--set <nodeId.param=value>", "override a widget value (repeatable)", collect, [])
    .option("--out <dir>", "output folder", undefined)
    .option("--json", "print a machine-readable summary on stdout")
    .option("--models <dir>", "a folder of model packs, after the shipped models/ (repeatable; also T2V_MODEL_DIRS)", collect)
    .option("--custom-nodes <dir>", "a folder of custom node packs (repeatable; default ./custom_nodes if it exists)", collect)
    .action(async (file: string, flags: RunFlags) => {
      process.exitCode = await runCommand(file, flags);
    });
}
