// Terminal progress for `t2v run`: bars on a TTY, one line per node otherwise.
import cliProgress from "cli-progress";
import type { Engine, EngineEvent } from "../../core/engine/index.ts";

export interface Reporter {
  stop(): void;
}

export function reportProgress(engine: Engine, opts: { quiet: boolean }): Reporter {
  const stream = process.stderr;
  const title = (type: string) => engine.registry.get(type)?.title ?? type;
  if (!stream.isTTY) {
    if (opts.quiet) return { stop: () => {} };
    const off = engine.on((e: EngineEvent) => {
      if (e.type === "cached" && e.nodes.length > 0) stream.write(`cached: ${e.nodes.join(", ")}\n`);
      if (e.type === "node_start") stream.write(`running node ${e.nodeId} (${title(e.nodeType)})\n`);
    });
    return { stop: off };
  }

  const multi = new cliProgress.MultiBar(
    { stream, clearOnComplete: false, hideCursor: true, format: "{label} [{bar}] {value}/{total} {detail}" },
    cliProgress.Presets.shades_classic,
  );
  let nodesBar: cliProgress.SingleBar | undefined;
  let stepBar: cliProgress.SingleBar | undefined;
  let done = 0;
  const off = engine.on((e: EngineEvent) => {
    switch (e.type) {
      case "job_start":
        nodesBar = multi.create(Math.max(e.nodes.length, 1), 0, { label: "nodes", detail: "" });
        stepBar = multi.create(1, 0, { label: "step ", detail: "" });
        break;
      case "node_start":
        nodesBar?.update(done, { detail: `${e.nodeId} ${title(e.nodeType)}` });
        stepBar?.setTotal(1);
        stepBar?.update(0, { detail: "" });
        break;
      case "progress":
        stepBar?.setTotal(Math.max(e.max, 1));
        stepBar?.update(e.value);
        break;
      case "node_done":
        if (!e.cached) nodesBar?.update(++done);
        break;
    }
  });
  return {
    stop() {
      off();
      multi.stop();
    },
  };
}
