// Document actions that join the API, the file readers and the store: open, save, share, paste.
import { api } from "./api.ts";
import { readDocument, readFile, readText } from "./lib/documents.ts";
import { downloadBlob, safeName } from "./lib/files.ts";
import { decodeShareFragment, encodeShareFragment, shareUrl } from "./lib/share.ts";
import { isFragment } from "./store/graph.ts";
import { STORAGE } from "./lib/storage.ts";
import { useStudio } from "./store/index.ts";
import { getFlow, viewCenter } from "./canvas/instance.ts";

const store = () => useStudio.getState();
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const DEFAULT_TEMPLATE = "text-to-video";

export async function openTemplate(name: string): Promise<void> {
  try {
    const wf = await readDocument(await api.loadFromLibrary(name, "shipped"));
    store().loadWorkflow(wf, { clean: true });
  } catch (err) {
    store().toast("error", `Could not open template ${name}: ${message(err)}`);
  }
}

export async function openFromLibrary(name: string, source: "user" | "shipped"): Promise<void> {
  try {
    const wf = await readDocument(await api.loadFromLibrary(name, source));
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
    const wf = await readFile(file);
      store().loadWorkflow(wf, { clean: false });
    store().toast("info", `Restored the workflow from ${file.name} (Ctrl+Z undoes)`);
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
    const wf = await readDocument(doc);
    store().loadWorkflow(wf, { clean: false });
    store().toast("info", "Opened the shared workflow");
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
        const wf = await readDocument(doc);
              store().loadWorkflow(wf, { clean: false });
        store().toast("info", "Pasted workflow opened (Ctrl+Z brings back the previous one)");
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
