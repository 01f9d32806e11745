// The Sketch Scene's drawing widget: the world drawn as SVG, a toolbar of drawing tools and pickers,
// and an enlarged copy in a dialog. The palette comes from the catalogue (param.editor.options);
// every finished gesture writes the whole sketch through setParam, so undo/redo covers it.
import { useId, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent as ReactPointerEvent, type SyntheticEvent } from "react";
import { createPortal } from "react-dom";
import type { CatalogueNode } from "../api.ts";
import { useStudio } from "../store/index.ts";
import {
  applyGesture, CLICK_PX, emptyDrawing, outline, readDrawing, sketchOptions, startGesture, TOOLS, toWorld, writeDrawing,
  type Drawing, type Gesture, type Point, type SketchOptions, type Tool,
} from "./sketch-geometry.ts";

type Param = CatalogueNode["params"][number];

interface Props {
  nodeId: string;
  param: Param;
  value: unknown;
  linked: boolean;
}

/** What the toolbar holds; shared by the node's widget and its enlarged copy. */
interface Ui {
  tool: Tool;
  color: string;
  material: string;
  /** Index of the selected object, -1 for none. */
  selected: number;
  message?: string;
  json: boolean;
}

const TOOL_LABEL: Record<Tool, [string, string]> = {
  select: ["↖", "Select and move (Delete removes)"],
  ball: ["●", "Ball: click, or drag out its radius"],
  box: ["■", "Box: click, or drag out its half-width"],
  triangle: ["▲", "Triangle: click, or drag out its size"],
  arrow: ["→", "Velocity: drag from an object (a click clears it)"],
  ground: ["▁", "Ground: click at its height"],
  ramp: ["◢", "Ramp: drag from near the left or right edge (a click removes it)"],
};

/** Sky (top, horizon) and ground colours per background; unknown names get grey. */
const BACKDROP: Record<string, [string, string, string]> = {
  sky: ["#508ce1", "#b9d7f5", "#8c7054"],
  night: ["#080c24", "#202a56", "#2a2a38"],
  sunset: ["#483078", "#fa9650", "#4e3430"],
  beach: ["#6eaaeb", "#bee1fa", "#ecd6a0"],
  grass: ["#64a0e6", "#c8e4f8", "#44963a"],
};

const setParam = (id: string, name: string, v: unknown, o?: { separate?: boolean }) => useStudio.getState().setParam(id, name, v, o);
const rgb = (o: SketchOptions, color: string) => `rgb(${(o.colors[color] ?? [128, 128, 128]).join(",")})`;
const typing = (t: EventTarget) => t instanceof HTMLElement && ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName);
const stop = (e: SyntheticEvent) => e.stopPropagation();

export function SketchWidget({ nodeId, param, value, linked }: Props) {
  const parsed = useMemo(() => sketchOptions.safeParse(param.editor?.options), [param.editor]);
  const options = parsed.success ? parsed.data : undefined;
  const text = String(value ?? "");
  const read = useMemo(() => (options ? readDrawing(text, options) : undefined), [text, options]);
  const [ui, setUi] = useState<Ui>(() => ({ tool: "select", color: Object.keys(options?.colors ?? {})[0] ?? "", material: options?.materials[0] ?? "normal", selected: -1, json: false }));
  const [enlarged, setEnlarged] = useState(false);
  const raw = (problem: string) => (
    <>
      <textarea className="nodrag nowheel widget-text" name={param.name} value={text} disabled={linked} rows={3} onChange={(e) => setParam(nodeId, param.name, e.target.value)} />
      <div className="widget-problem" data-testid="sketch-problem">{problem}</div>
    </>
  );

  if (!options || !read) return raw("this server sent no sketch palette; edit the JSON");
  if ("problem" in read) {
    return (
      <div className="sketch">
        {raw(`not a sketch: ${read.problem}`)}
        <button className="nodrag" data-testid="sketch-new" disabled={linked} onClick={() => setParam(nodeId, param.name, writeDrawing(emptyDrawing(options)))}>
          Start a new sketch
        </button>
      </div>
    );
  }
  const drawing = read.drawing;
  const commit = (d: Drawing) => {
    const next = writeDrawing(d);
    // Each gesture is its own undo step, however quickly the next one follows.
    if (next !== writeDrawing(drawing)) setParam(nodeId, param.name, next, { separate: true });
  };
  const panel = (size: number) => (
    <SketchPanel drawing={drawing} options={options} ui={ui} setUi={setUi} commit={commit} size={size} readOnly={linked} text={text} name={param.name} onText={(t) => setParam(nodeId, param.name, t)} onEnlarge={size < 400 ? () => setEnlarged(true) : undefined} />
  );
  return (
    <>
      {panel(200)}
      {enlarged &&
        createPortal(
          <div className="sketch-backdrop" onClick={() => setEnlarged(false)} onPointerDown={stop} onDoubleClick={stop} onWheel={stop}>
            <div className="sketch-dialog" role="dialog" aria-label="Sketch" data-testid="sketch-dialog" onClick={stop} onKeyDown={(e) => e.key === "Escape" && setEnlarged(false)}>
              <header>
                <strong>Sketch</strong>
                <button data-testid="sketch-close" onClick={() => setEnlarged(false)}>
                  Close
                </button>
              </header>
              {panel(520)}
            </div>
          </div>,
          document.body,
        )}
    </>
  );
}

interface PanelProps {
  drawing: Drawing;
  options: SketchOptions;
  ui: Ui;
  setUi: (f: (u: Ui) => Ui) => void;
  commit: (d: Drawing) => void;
  size: number;
  readOnly: boolean;
  text: string;
  name: string;
  onText: (text: string) => void;
  onEnlarge?: () => void;
}

/** Toolbar, drawing surface, message and (when asked) the raw JSON. */
function SketchPanel(props: PanelProps) {
  const { drawing, options, ui, setUi, commit, size, readOnly, text, name, onText, onEnlarge } = props;
  const selected = drawing.objects[ui.selected] ? ui.selected : -1;
  const restyle = (patch: { color?: string; material?: string }) => {
    setUi((u) => ({ ...u, ...patch }));
    if (selected >= 0) commit({ ...drawing, objects: drawing.objects.map((o, i) => (i === selected ? { ...o, ...patch } : o)) });
  };
  // Plain keys stay in the widget (Delete must not delete the node); Ctrl/Cmd chords reach the editor's undo/redo.
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.key === "Escape") return;
    e.stopPropagation();
    if (typing(e.target) || readOnly) return;
    if ((e.key === "Delete" || e.key === "Backspace") && selected >= 0) {
      e.preventDefault();
      setUi((u) => ({ ...u, selected: -1 }));
      commit({ ...drawing, objects: drawing.objects.filter((_, i) => i !== selected) });
    }
  };
  return (
    <div className="sketch nokey" tabIndex={0} onKeyDown={onKeyDown} style={{ width: size }}>
      <div className="sketch-tools">
        {TOOLS.map((t) => (
          <button key={t} className={`nodrag${ui.tool === t ? " on" : ""}`} data-testid={`sketch-tool-${t}`} title={TOOL_LABEL[t][1]} aria-label={t} onClick={() => setUi((u) => ({ ...u, tool: t, message: undefined }))}>
            {TOOL_LABEL[t][0]}
          </button>
        ))}
      </div>
      <div className="sketch-colors">
        {Object.keys(options.colors).map((c) => (
          <button key={c} className={`nodrag sketch-swatch${ui.color === c ? " on" : ""}`} data-testid={`sketch-color-${c}`} title={c} aria-label={c} style={{ background: rgb(options, c) }} disabled={readOnly} onClick={() => restyle({ color: c })} />
        ))}
      </div>
      <div className="sketch-row">
        <select className="nodrag" data-testid="sketch-material" title="material" value={ui.material} disabled={readOnly} onChange={(e) => restyle({ material: e.target.value })}>
          {options.materials.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
        <select className="nodrag" data-testid="sketch-background" title="background" value={drawing.background} disabled={readOnly} onChange={(e) => commit({ ...drawing, background: e.target.value })}>
          {options.backgrounds.map((b) => (
            <option key={b}>{b}</option>
          ))}
        </select>
      </div>
      <div className="sketch-row">
        <label className="widget-toggle nodrag">
          <input type="checkbox" data-testid="sketch-walls" checked={drawing.walls} disabled={readOnly} onChange={(e) => commit({ ...drawing, walls: e.target.checked })} />
          <span>walls</span>
        </label>
        <button className={`nodrag${ui.json ? " on" : ""}`} data-testid="sketch-json" title="Show the sketch as JSON" onClick={() => setUi((u) => ({ ...u, json: !u.json }))}>
          JSON
        </button>
        {onEnlarge && (
          <button className="nodrag" data-testid="sketch-enlarge" title="Draw in a larger window" onClick={onEnlarge}>
            ⤢
          </button>
        )}
      </div>
      <SketchSurface drawing={drawing} options={options} ui={ui} setUi={setUi} commit={commit} size={size} readOnly={readOnly} selected={selected} />
      <div className="sketch-message" data-testid="sketch-message">
        {ui.message ?? `${drawing.objects.length}/${options.maxObjects} objects`}
      </div>
      {ui.json && <textarea className="nodrag nowheel widget-text" name={name} value={text} disabled={readOnly} rows={4} onChange={(e) => onText(e.target.value)} />}
    </div>
  );
}

type SurfaceProps = Pick<PanelProps, "drawing" | "options" | "ui" | "setUi" | "commit" | "size" | "readOnly"> & { selected: number };

/** The world as SVG in metres (viewBox = world, y flipped); a gesture is drawn as a local draft until the pointer goes up. */
function SketchSurface({ drawing, options, ui, setUi, commit, size, readOnly, selected }: SurfaceProps) {
  const svg = useRef<SVGSVGElement>(null);
  const live = useRef<{ gesture: Gesture; base: Drawing; x: number; y: number } | undefined>(undefined);
  const [draft, setDraft] = useState<Drawing | undefined>(undefined);
  const gradient = `sketch-sky-${useId().replace(/[^\w-]/g, "")}`;
  const { width: W, height: H } = options.world;
  const Y = (y: number) => H - y;
  const shown = draft ?? drawing;
  const at = (e: ReactPointerEvent): Point => toWorld(e.clientX, e.clientY, svg.current!.getBoundingClientRect(), options);
  const isClick = (e: ReactPointerEvent) => !live.current || Math.hypot(e.clientX - live.current.x, e.clientY - live.current.y) < CLICK_PX;

  const down = (e: ReactPointerEvent<SVGSVGElement>) => {
    if (readOnly || e.button !== 0) return;
    e.preventDefault();
    (e.currentTarget.closest(".sketch") as HTMLElement | null)?.focus({ preventScroll: true });
    e.currentTarget.setPointerCapture(e.pointerId);
    const r = startGesture(ui.tool, drawing, at(e), ui, options);
    setUi((u) => ({ ...u, selected: r.selected ?? u.selected, message: r.message }));
    live.current = r.gesture.kind === "none" ? undefined : { gesture: r.gesture, base: drawing, x: e.clientX, y: e.clientY };
  };
  const move = (e: ReactPointerEvent<SVGSVGElement>) => {
    const g = live.current;
    if (g) setDraft(applyGesture(g.gesture, g.base, at(e), isClick(e), options));
  };
  const up = (e: ReactPointerEvent<SVGSVGElement>) => {
    const g = live.current;
    if (!g) return;
    const next = applyGesture(g.gesture, g.base, at(e), isClick(e), options);
    live.current = undefined;
    setDraft(undefined);
    if (g.gesture.kind === "add") setUi((u) => ({ ...u, selected: next.objects.length - 1 }));
    commit(next);
  };
  const cancel = () => {
    live.current = undefined;
    setDraft(undefined);
  };

  const [top, horizon, earth] = BACKDROP[shown.background] ?? ["#555b66", "#8a909a", "#665f55"];
  const ramp = shown.ramp;
  const rampX = ramp && (ramp.side === "left" ? [0, ramp.length] : [W, W - ramp.length]);
  return (
    <svg
      ref={svg}
      className={`sketch-surface nodrag nowheel tool-${ui.tool}`}
      data-testid="sketch-surface"
      width={size}
      height={(size * H) / W}
      viewBox={`0 0 ${W} ${H}`}
      onPointerDown={down}
      onPointerMove={move}
      onPointerUp={up}
      onPointerCancel={cancel}
    >
      <defs>
        <linearGradient id={gradient} x1="0" y1="0" x2="0" y2="1">
          <stop offset="0" stopColor={top} />
          <stop offset="1" stopColor={horizon} />
        </linearGradient>
      </defs>
      <rect width={W} height={H} fill={`url(#${gradient})`} />
      <rect y={Y(shown.ground)} width={W} height={shown.ground} fill={earth} />
      <line x1={0} x2={W} y1={Y(shown.ground)} y2={Y(shown.ground)} className="sketch-ground" />
      {shown.walls && (
        <>
          <rect width={0.25} height={H} className="sketch-wall" />
          <rect x={W - 0.25} width={0.25} height={H} className="sketch-wall" />
        </>
      )}
      {ramp && rampX && <polygon className="sketch-ramp" points={`${rampX[0]},${Y(shown.ground)} ${rampX[1]},${Y(shown.ground)} ${rampX[0]},${Y(shown.ground + ramp.height)}`} />}
      {shown.objects.map((ob, i) => {
        const shape = outline(ob);
        const cls = `sketch-object${i === selected ? " selected" : ""}`;
        const fill = rgb(options, ob.color);
        return "circle" in shape ? (
          <circle key={i} className={cls} cx={ob.x} cy={Y(ob.y)} r={shape.circle} fill={fill} />
        ) : (
          <polygon key={i} className={cls} points={shape.corners.map(([x, y]) => `${x},${Y(y)}`).join(" ")} fill={fill} />
        );
      })}
      {shown.objects.map((ob, i) => {
        if (Math.hypot(ob.vx, ob.vy) < 1e-6) return null;
        const tx = ob.x + ob.vx * options.metresPerSpeed;
        const ty = ob.y + ob.vy * options.metresPerSpeed;
        const a = Math.atan2(ty - ob.y, tx - ob.x);
        const head = [a + 2.6, a - 2.6].map((b) => `${tx + 0.3 * Math.cos(b)},${Y(ty + 0.3 * Math.sin(b))}`);
        return <polyline key={`v${i}`} className="sketch-arrow" points={`${ob.x},${Y(ob.y)} ${tx},${Y(ty)} ${head[0]} ${tx},${Y(ty)} ${head[1]}`} />;
      })}
    </svg>
  );
}
