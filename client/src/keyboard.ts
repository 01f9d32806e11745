// Global shortcuts (listed in panels/HelpPanel.tsx), copy and paste.
import { fitView, pasteText } from "./actions.ts";
import { getFlow } from "./canvas/instance.ts";
import { useStudio } from "./store/index.ts";
import { STORAGE } from "./lib/storage.ts";

const typing = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT");

let pointer: { x: number; y: number } | undefined;

export function installShortcuts(): () => void {
  const s = useStudio.getState;
  const onMove = (e: PointerEvent) => (pointer = { x: e.clientX, y: e.clientY });
  const at = () => (pointer && getFlow()?.screenToFlowPosition(pointer)) || undefined;

  const onKey = (e: KeyboardEvent) => {
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    // These work while typing in a widget too, as in ComfyUI.
    if (mod && key === "enter") return void (e.preventDefault(), s().queue());
    if (mod && key === "s") return void (e.preventDefault(), s().togglePanel("library", true));
    if (mod && key === "o") return void (e.preventDefault(), s().togglePanel("library", true));
    if (key === "escape") {
      s().openMenu(null);
      s().togglePanel("help", false);
      s().togglePanel("library", false);
      return;
    }
    if (typing(e.target)) return;
    if (mod && key === "z" && !e.shiftKey) return void (e.preventDefault(), s().undo());
    if (mod && ((key === "z" && e.shiftKey) || key === "y")) return void (e.preventDefault(), s().redo());
    if (mod && key === "d") return void (e.preventDefault(), s().duplicateSelected());
    if (mod && key === "a") return void (e.preventDefault(), s().selectAll());
    if (mod && key === "m") return void (e.preventDefault(), s().toggleMode("muted"));
    if (mod && key === "b") return void (e.preventDefault(), s().toggleMode("bypassed"));
    if (mod && key === "g") return void (e.preventDefault(), e.shiftKey ? s().ungroupSelected() : s().groupSelected());
    if (!mod && (e.key === "?" || e.key === "F1")) return void (e.preventDefault(), s().togglePanel("help"));
    if (!mod && key === "f") return fitView();
  };

  // Copy: the studio's clipboard (localStorage, seen by other tabs) and the system clipboard.
  const onCopy = (e: ClipboardEvent) => {
    if (typing(e.target) || window.getSelection()?.toString()) return;
    if (!s().copySelected()) return;
    const text = localStorage.getItem(STORAGE.clipboard);
    if (text && e.clipboardData) {
      e.clipboardData.setData("text/plain", text);
      e.preventDefault();
    }
  };
  const onPaste = (e: ClipboardEvent) => {
    if (typing(e.target)) return;
    e.preventDefault();
    void pasteText(e.clipboardData?.getData("text/plain"), at());
  };

  window.addEventListener("keydown", onKey);
  window.addEventListener("pointermove", onMove, { passive: true });
  document.addEventListener("copy", onCopy);
  document.addEventListener("paste", onPaste);
  return () => {
    window.removeEventListener("keydown", onKey);
    window.removeEventListener("pointermove", onMove);
    document.removeEventListener("copy", onCopy);
    document.removeEventListener("paste", onPaste);
  };
}
