// One widget per param, from its catalogue entry: number (drag the label to scrub), slider,
// select, text, multiline (or the sketch drawing), toggle. Every change goes through the store's setParam.
import { memo, useCallback, useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from "react";
import { api, type CatalogueNode } from "../api.ts";
import { viewUrl } from "../lib/files.ts";
import { useStudio } from "../store/index.ts";
import { SketchWidget } from "./SketchWidget.tsx";

type Param = CatalogueNode["params"][number];

interface Props {
  nodeId: string;
  param: Param;
  value: unknown;
  linked: boolean;
  problem?: string;
}

// Read at call time: a subscription per widget would cost every store change in a big graph.
const setParam = (id: string, name: string, v: unknown) => useStudio.getState().setParam(id, name, v);

function clamp(v: number, p: Param): number {
  let x = v;
  if (p.min !== undefined) x = Math.max(p.min, x);
  if (p.max !== undefined) x = Math.min(p.max, x);
  if (p.kind === "int" || p.kind === "seed") x = Math.round(x);
  return x;
}

/** Rounds to the step's decimals so 0.1 + 0.2 shows as 0.3. */
function snap(v: number, step: number | undefined): number {
  if (!step) return v;
  const decimals = (String(step).split(".")[1] ?? "").length;
  return Number((Math.round(v / step) * step).toFixed(decimals));
}

function inRange(v: number, p: Param): boolean {
  return Number.isFinite(v) && (p.min === undefined || v >= p.min) && (p.max === undefined || v <= p.max);
}

function NumberWidget({ nodeId, param, value, linked }: Props) {
  const drag = useRef<{ x: number; start: number } | undefined>(undefined);
  // What is being typed: committed as soon as it is a valid value, clamped when the field is left.
  const [draft, setDraft] = useState<string | undefined>(undefined);
  const num = typeof value === "number" ? value : Number(param.default ?? 0);
  const step = param.step ?? (param.kind === "float" || param.kind === "slider" ? 0.01 : 1);
  const commit = useCallback((v: number) => Number.isFinite(v) && setParam(nodeId, param.name, clamp(snap(v, step), param)), [nodeId, param, step]);
  // A value set from elsewhere (undo, an opened document, a scrub) replaces what was being typed.
  useEffect(() => setDraft((d) => (d === undefined || Number(d) === num ? d : undefined)), [num]);

  // Scrub: drag the label sideways, one step per 4 px (a running sampler takes it live).
  const down = (e: ReactPointerEvent<HTMLElement>) => {
    if (linked) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, start: num };
  };
  const move = (e: ReactPointerEvent<HTMLElement>) => {
    if (!drag.current) return;
    const steps = Math.round((e.clientX - drag.current.x) / 4);
    const v = clamp(snap(drag.current.start + steps * step, step), param);
    if (v !== num) commit(v);
  };
  const up = () => (drag.current = undefined);

  if (param.kind === "slider") {
    return (
      <>
        <span className="widget-label">{param.name}</span>
        <input
          className="nodrag widget-slider"
          type="range"
          name={param.name}
          min={param.min}
          max={param.max}
          step={step}
          value={num}
          disabled={linked}
          onChange={(e) => commit(Number(e.target.value))}
        />
        <span className="widget-value">{num}</span>
      </>
    );
  }
  return (
    <>
      <span className="widget-label scrub nodrag" title="Drag sideways to change" onPointerDown={down} onPointerMove={move} onPointerUp={up} onPointerCancel={up}>
        {param.name}
      </span>
      <input
        className="nodrag widget-number"
        type="number"
        name={param.name}
        min={param.min}
        max={param.max}
        step={step}
        value={draft ?? num}
        disabled={linked}
        onChange={(e) => {
          setDraft(e.target.value);
          const v = Number(e.target.value);
          if (e.target.value !== "" && inRange(v, param)) setParam(nodeId, param.name, param.kind === "float" ? v : Math.round(v));
        }}
        onBlur={() => {
          if (draft !== undefined && draft !== "") commit(Number(draft));
          setDraft(undefined);
        }}
        onKeyDown={(e) => e.key === "Enter" && e.currentTarget.blur()}
      />
    </>
  );
}

/** A file in the input folder: its name (typed, or picked from the folder's files), an upload button, and the picture or clip itself. */
function UploadWidget({ nodeId, param, value, linked }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [files, setFiles] = useState<string[]>([]);
  const name = String(value ?? "");
  const kind = param.upload === "video" ? "video" : "image";
  const listId = `input-files-${nodeId}-${param.name}`;
  const refresh = () => {
    api.inputFiles(kind).then(
      (r) => setFiles(r.files),
      () => setFiles([]),
    );
  };
  const upload = async (file: File | undefined) => {
    if (!file) return;
    try {
      const r = await api.upload(file);
      setParam(nodeId, param.name, r.subfolder ? `${r.subfolder}/${r.name}` : r.name);
      refresh();
    } catch (err) {
      useStudio.getState().toast("error", `Upload of ${file.name} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const url = name ? viewUrl({ filename: name, subfolder: "", type: "input" }) : undefined;
  return (
    <>
      <span className="widget-label">{param.name}</span>
      <input className="nodrag" type="text" name={param.name} value={name} list={listId} disabled={linked} onFocus={refresh} onChange={(e) => setParam(nodeId, param.name, e.target.value)} />
      <datalist id={listId} data-testid={`files-${param.name}`}>
        {files.map((f) => (
          <option key={f} value={f} />
        ))}
      </datalist>
      <button className="nodrag" data-testid={`upload-${param.name}`} disabled={linked} onClick={() => input.current?.click()} title="Upload a file into the input folder">
        Upload…
      </button>
      <input ref={input} hidden type="file" accept={param.upload === "video" ? "video/*,image/gif,image/webp" : "image/*"} onChange={(e) => void upload(e.target.files?.[0])} />
      {url && (param.upload === "video" ? <video className="upload-preview" src={url} muted loop autoPlay playsInline /> : <img className="upload-preview" src={url} alt={name} />)}
    </>
  );
}

function WidgetView(props: Props) {
  const { nodeId, param, value, linked, problem } = props;
  const set = (v: unknown) => setParam(nodeId, param.name, v);
  let control;
  switch (param.kind) {
    case "int":
    case "float":
    case "seed":
    case "slider":
      control = <NumberWidget {...props} />;
      break;
    case "choice": {
      const choices = [...(param.choices ?? [])];
      const v = String(value ?? param.default ?? "");
      if (!choices.includes(v)) choices.unshift(v); // a saved value this server lacks: shown, flagged by validation
      control = (
        <>
          <span className="widget-label">{param.name}</span>
          <select className="nodrag" name={param.name} value={v} disabled={linked} onChange={(e) => set(e.target.value)}>
            {choices.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </>
      );
      break;
    }
    case "toggle":
      control = (
        <label className="widget-toggle nodrag">
          <input type="checkbox" name={param.name} checked={value === true} disabled={linked} onChange={(e) => set(e.target.checked)} />
          <span>{param.name}</span>
        </label>
      );
      break;
    case "multiline":
      if (param.editor?.widget === "sketch") {
        control = <SketchWidget nodeId={nodeId} param={param} value={value} linked={linked} />;
        break;
      }
      control = (
        <textarea
          className="nodrag nowheel widget-text"
          name={param.name}
          placeholder={param.name}
          value={String(value ?? "")}
          disabled={linked}
          rows={3}
          onChange={(e) => set(e.target.value)}
        />
      );
      break;
    default:
      if (param.upload) {
        control = <UploadWidget {...props} />;
        break;
      }
      control = (
        <>
          <span className="widget-label">{param.name}</span>
          <input className="nodrag" type="text" name={param.name} value={String(value ?? "")} disabled={linked} onChange={(e) => set(e.target.value)} />
        </>
      );
  }
  return (
    <div className={`widget kind-${param.kind}${problem ? " invalid" : ""}${linked ? " linked" : ""}`} title={problem ?? param.description} data-param={param.name}>
      {control}
      {linked && <span className="widget-linked">linked</span>}
      {problem && <div className="widget-problem">{problem}</div>}
    </div>
  );
}

export const Widget = memo(WidgetView);
