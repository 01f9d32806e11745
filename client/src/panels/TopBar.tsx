// The top bar: document name with the unsaved mark, Queue (Ctrl+Enter), overall progress,
// interrupt, auto-run, the workflow and template menus, panel toggles.
import { useEffect, useRef, useState, type ReactNode } from "react";
import { copyShareLink, downloadComfyUi, downloadJson, fitView, openFile, openTemplate, pasteText } from "../actions.ts";
import { api, type LibraryEntry } from "../api.ts";
import { useStudio } from "../store/index.ts";
import { overallProgress } from "../store/run.ts";

function Dropdown({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  const ref = useRef<HTMLDetailsElement>(null);
  return (
    <details className="dropdown" ref={ref} data-testid={testId} onClick={(e) => (e.target as HTMLElement).closest("button") && ref.current?.removeAttribute("open")}>
      <summary>{label}</summary>
      <div className="dropdown-menu">{children}</div>
    </details>
  );
}

function Progress() {
  const p = useStudio((s) => {
    const v = overallProgress(s);
    return v === undefined ? undefined : Math.round(v * 100);
  });
  const running = useStudio((s) => s.current);
  if (p === undefined) return null;
  return (
    <div className="overall-progress" data-testid="overall-progress" title={`job ${running ?? ""}: ${p}%`}>
      <div style={{ width: `${p}%` }} />
      <span>{p}%</span>
    </div>
  );
}

function Templates() {
  const [list, setList] = useState<LibraryEntry[]>([]);
  useEffect(() => {
    void api.library().then((l) => setList(l.filter((e) => e.source === "shipped")), () => {});
  }, []);
  return (
    <Dropdown label="Templates" testId="templates-menu">
      {list.map((t) => (
        <button key={t.name} title={t.description} onClick={() => void openTemplate(t.name)}>
          {t.title || t.name}
        </button>
      ))}
      {list.length === 0 && <span className="muted">No templates</span>}
    </Dropdown>
  );
}

export function TopBar() {
  const title = useStudio((s) => s.docName ?? (s.meta.title || "Untitled"));
  const dirty = useStudio((s) => s.revision !== s.savedRevision);
  const connected = useStudio((s) => s.connected);
  const current = useStudio((s) => s.current);
  const pending = useStudio((s) => s.queueState.pending.length);
  const autorun = useStudio((s) => s.autorun);
  const count = useStudio((s) => s.nodes.reduce((k, n) => (n.type === "studio" ? k + 1 : k), 0));
  const panels = useStudio((s) => s.panels);
  const fileInput = useRef<HTMLInputElement>(null);
  const s = useStudio.getState;

  useEffect(() => {
    document.title = `${dirty ? "● " : ""}${title} — t2v studio`;
  }, [title, dirty]);

  return (
    <header className="top-bar">
      <span className="brand">t2v studio</span>
      <span className="doc-title" data-testid="doc-title" title={dirty ? "Unsaved changes" : "Saved"}>
        {title}
        {dirty && <span className="dirty" data-testid="unsaved" aria-label="unsaved changes"> ●</span>}
      </span>
      <Dropdown label="Workflow" testId="workflow-menu">
        <button onClick={() => s().togglePanel("library", true)}>Open / save in library… (Ctrl+S)</button>
        <button onClick={downloadJson}>Download .json</button>
        <button data-testid="export-comfyui" onClick={() => void downloadComfyUi()}>Export for ComfyUI (.json)</button>
        <button onClick={() => fileInput.current?.click()}>Open .json or generated video…</button>
        <button onClick={() => void navigator.clipboard.readText().then((t) => pasteText(t), () => s().toast("error", "Clipboard not readable; press Ctrl+V on the canvas"))}>
          Paste workflow / ComfyUI API JSON
        </button>
        <button data-testid="share" onClick={() => void copyShareLink()}>Copy share link</button>
        <button onClick={() => s().undo()}>Undo (Ctrl+Z)</button>
        <button onClick={() => s().redo()}>Redo (Ctrl+Shift+Z)</button>
        <button onClick={fitView}>Fit view (F)</button>
      </Dropdown>
      <Templates />
      <input
        ref={fileInput}
        type="file"
        hidden
        data-testid="open-file"
        accept=".json,application/json,video/*,image/*"
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void openFile(f);
          e.target.value = "";
        }}
      />
      <span className="spacer" />
      <Progress />
      <button className="primary" data-testid="queue" onClick={() => void s().queue()} title="Queue the workflow (Ctrl+Enter)">
        Queue{pending > 0 ? ` (${pending} waiting)` : ""}
      </button>
      {current && (
        <button data-testid="interrupt" onClick={() => void s().interrupt()} title="Stop the running job">
          Interrupt
        </button>
      )}
      <label className="toggle" title="Re-run whenever a widget changes (the stale job is interrupted)">
        <input type="checkbox" data-testid="autorun" checked={autorun} onChange={(e) => s().setAutorun(e.target.checked)} /> Auto-run
      </label>
      <span className="muted" data-testid="node-count">
        {count} nodes
      </span>
      <button className={panels.nodes ? "on" : ""} onClick={() => s().togglePanel("nodes")}>Nodes</button>
      <button className={panels.jobs ? "on" : ""} onClick={() => s().togglePanel("jobs")}>Jobs</button>
      <button onClick={() => s().togglePanel("help")} title="Keyboard shortcuts (?)">?</button>
      <span className={`conn ${connected ? "on" : "off"}`} data-testid="connection" title={connected ? "Connected" : "Reconnecting…"} />
    </header>
  );
}
