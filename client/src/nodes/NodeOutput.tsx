// What a node shows after (or while) it runs, by what its `ui` carries: streamed previews,
// videos and images under /view, a sigma curve, text.
import { memo } from "react";
import { isFileRef, isVideoFile, viewUrl, type FileRef } from "../lib/files.ts";
import { useNodeView } from "../store/node-view.ts";
import { SheetPlayer } from "./SheetPlayer.tsx";

function fileRefs(v: unknown): FileRef[] {
  return Array.isArray(v) ? v.filter(isFileRef) : [];
}

function Curve({ values }: { values: number[] }) {
  if (values.length < 2) return null;
  const max = Math.max(...values, 1e-9);
  const w = 240;
  const h = 90;
  const pts = values.map((v, i) => `${((i / (values.length - 1)) * w).toFixed(1)},${(h - (v / max) * h).toFixed(1)}`).join(" ");
  return (
    <svg className="curve" data-testid="sigma-curve" viewBox={`-4 -4 ${w + 8} ${h + 8}`} width="100%" height={h}>
      <polyline points={pts} fill="none" stroke="currentColor" strokeWidth="2" />
      {values.map((v, i) => (
        <circle key={i} cx={(i / (values.length - 1)) * w} cy={h - (v / max) * h} r="2" fill="currentColor" />
      ))}
      <title>{values.map((v) => v.toFixed(3)).join(", ")}</title>
    </svg>
  );
}

function Media({ file }: { file: FileRef }) {
  const url = viewUrl(file);
  return (
    <figure className="media">
      {isVideoFile(file.filename) ? (
        <video className="nodrag" data-testid="video-output" src={url} autoPlay loop muted playsInline controls />
      ) : (
        <img data-testid="image-output" src={url} alt={file.filename} />
      )}
      <figcaption>
        <a className="nodrag" href={url} download={file.filename} data-testid="download">
          {file.filename}
        </a>
      </figcaption>
    </figure>
  );
}

function NodeOutputView({ id }: { id: string }) {
  const preview = useNodeView((s) => s.previews[id]);
  const ui = useNodeView((s) => s.outputs[id]);
  const running = useNodeView((s) => s.runs[id]?.state === "running");
  const images = fileRefs(ui?.images);
  const curve = Array.isArray(ui?.curve) && Array.isArray(ui.curve[0]) ? (ui.curve[0] as number[]) : undefined;
  const text = Array.isArray(ui?.text) ? ui.text.map(String) : [];
  const steps = Array.isArray(ui?.steps) ? ui.steps[0] : undefined;
  const calls = Array.isArray(ui?.model_calls) ? ui.model_calls[0] : undefined;
  // A finished video replaces the preview; while running, the preview shows.
  const showPreview = preview && (running || images.length === 0);
  if (!showPreview && !ui) return null;
  return (
    <div className="node-output">
      {showPreview && <SheetPlayer preview={preview} />}
      {images.map((f) => (
        <Media key={`${f.subfolder}/${f.filename}`} file={f} />
      ))}
      {curve && <Curve values={curve} />}
      {text.length > 0 && <pre className="node-text">{text.join("\n")}</pre>}
      {steps !== undefined && (
        <div className="node-meta">
          {String(steps)} steps{calls !== undefined ? ` · ${String(calls)} model calls` : ""}
        </div>
      )}
    </div>
  );
}

export const NodeOutput = memo(NodeOutputView);
