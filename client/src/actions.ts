// Document actions that join the API, the file readers and the store: open, save, share, paste.
import { api } from "./api.ts";
import { missingTypesMessage } from "../../core/workflow/modes.ts";
import { readDocument, readFile, readText, type Opened } from "./lib/documents.ts";
import { downloadBlob, safeName } from "./lib/files.ts";
import { decodeShareFragment, encodeShareFragment, shareUrl } from "./lib/share.ts";
import { isFragment } from "./store/graph.ts";
import { STORAGE } from "./lib/storage.ts";
import { useStudio } from "./store/index.ts";
import { getFlow, viewCenter } from "./canvas/instance.ts";

const store = () => useStudio.getState();
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const DEFAULT_TEMPLATE = "text-to-video";

/**
 * Loads an opened document and says what the user must know: node types not installed here
 * (one notice naming them all) and what was dropped on the way in.
 */
function open(doc: Opened, done: string): void {
  const s = store();
  s.loadWorkflow(doc.workflow, { clean: false });
  s.toast("info", done);
  const missing = [...new Set(doc.workflow.nodes.map((n) => n.type).filter((t) => !(t in s.catalogue)))];
  if (missing.length > 0) s.toast("error", `${missingTypesMessage(missing)}. They are kept, drawn as missing; the workflow cannot run until they are installed or removed.`);
  for (const w of doc.warnings) s.toast("info", w);
}

/** The current graph as a ComfyUI UI-format file. */
export async function downloadComfyUi(): Promise<void> {
  const s = store();
  try {
    const doc = await api.toComfyUi(s.workflow());
    const name = safeName(s.docName ?? (s.meta.title || "workflow"));
    downloadBlob(new Blob([JSON.stringify(doc, null, 2)], { type: "application/json" }), `${name}.comfyui.json`);
  } catch (err) {
    s.toast("error", `Export failed: ${message(err)}`);
  }
}

export async function openTemplate(name: string): Promise<void> {
  try {
    const { workflow: wf } = await readDocument(await api.loadFromLibrary(name, "shipped"));
    store().loadWorkflow(wf, { clean: true });
  } catch (err) {
    store().toast("error", `Could not open template ${name}: ${message(err)}`);
  }
}

export async function openFromLibrary(name: string, source: "user" | "shipped"): Promise<void> {
  try {
    const { workflow: wf } = await readDocument(await api.loadFromLibrary(name, source));
    store().loadWorkflow(wf, source === "user" ? { name, clean: true } : { clean: true });
    store().togglePanel("library", false);
    store().toast("info", `Opened ${name}`);
  } catch (err) {
    store().toast("error", `Could not open ${name}: ${message(err)}`);
  }
}

export async function saveToLibrary(name: string): Promise<boolean> {
  const s = store();
  const clean = safeName(name);
  try {
    const wf = s.workflow();
    if (!wf.metadata.title) wf.metadata.title = clean;
    await api.saveToLibrary(clean, wf);
    s.markSaved(clean);
    s.toast("info", `Saved “${clean}” to the library`);
    return true;
  } catch (err) {
    s.toast("error", `Save failed: ${message(err)}`);
    return false;
  }
}

export function downloadJson(): void {
  const s = store();
  const name = safeName(s.docName ?? (s.meta.title || "workflow"));
  downloadBlob(new Blob([JSON.stringify(s.workflow(), null, 2)], { type: "application/json" }), `${name}.json`);
}

/** A workflow JSON, a ComfyUI API prompt, or a video/image the studio made. */
export async function openFile(file: File): Promise<void> {
  try {
    open(await readFile(file), `Opened the workflow from ${file.name} (Ctrl+Z undoes)`);
  } catch (err) {
    store().toast("error", `${file.name}: ${message(err)}`);
  }
}

export async function copyShareLink(): Promise<string> {
  const url = shareUrl(await encodeShareFragment(store().workflow()));
  store().setShareLink(url);
  try {
    await navigator.clipboard.writeText(url);
    store().toast("info", "Share link copied to the clipboard");
  } catch {
    store().toast("info", "Share link ready — copy it from the box");
  }
  return url;
}

/** `#wf=…` in the address: open it (once) and drop it from the address bar. */
export async function openShareFragment(): Promise<boolean> {
  if (!location.hash.startsWith("#wf=")) return false;
  try {
    const doc = await decodeShareFragment(location.hash);
    open(await readDocument(doc), "Opened the shared workflow");
    return true;
  } catch (err) {
    store().toast("error", `The share link is damaged: ${message(err)}`);
    return false;
  } finally {
    history.replaceState(null, "", location.pathname + location.search);
  }
}

/**
 * Ctrl+V: text that is a workflow or a ComfyUI API prompt opens as the document; otherwise the
 * studio's own clipboard (localStorage, so another tab's copy pastes here) is pasted at the pointer.
 */
export async function pasteText(text: string | undefined, at?: { x: number; y: number }): Promise<void> {
  const t = text?.trim();
  if (t && t.startsWith("{")) {
    let doc: unknown;
    try {
      doc = JSON.parse(t);
    } catch {
      doc = undefined;
    }
    if (isFragment(doc)) return store().paste(doc, at ?? viewCenter());
    if (doc !== undefined) {
      try {
        open(await readDocument(doc), "Pasted workflow opened (Ctrl+Z brings back the previous one)");
      } catch (err) {
        store().toast("error", `Pasted JSON is not a workflow: ${message(err)}`);
      }
      return;
    }
  }
  const raw = localStorage.getItem(STORAGE.clipboard);
  if (!raw) return;
  try {
    const f: unknown = JSON.parse(raw);
    if (isFragment(f)) store().paste(f, at ?? viewCenter());
  } catch {
    // a damaged clipboard entry: nothing to paste
  }
}

export function fitView(): void {
  void getFlow()?.fitView({ duration: 200, padding: 0.1 });
}

export { readText };
