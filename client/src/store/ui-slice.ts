// Panels, menus and toasts: editor chrome, no graph logic.
import { inputType, outputType } from "./graph.ts";
import { isStudio, type MenuState, type Toast } from "./types.ts";
import type { GetState, SetState } from "./index.ts";
import { STORAGE } from "../lib/storage.ts";

export type Panel = "help" | "jobs" | "library" | "nodes";

export interface UiSlice {
  menu: MenuState | null;
  panels: Record<Panel, boolean>;
  toasts: Toast[];
  hint: boolean;
  shareLink?: string;
  /** The wire being drawn: its socket type and which end it started from. */
  connecting?: { type: string; from: "source" | "target" };
  setConnecting(p: { nodeId: string | null; handleId: string | null; handleType: "source" | "target" | null } | undefined): void;
  openMenu(m: MenuState | null): void;
  togglePanel(p: Panel, on?: boolean): void;
  /** A toast with the same `key` replaces the older one (e.g. the live patch while dragging). */
  toast(kind: Toast["kind"], text: string, nodeId?: string, key?: string): void;
  dismissToast(id: number): void;
  dismissHint(): void;
  setShareLink(url?: string): void;
}

let toastId = 0;

export const uiSlice = (set: SetState, get: GetState): UiSlice => ({
  menu: null,
  panels: { help: false, jobs: true, library: false, nodes: false },
  toasts: [],
  hint: localStorage.getItem(STORAGE.hintDismissed) !== "1",
  openMenu: (menu) => set({ menu }),
  togglePanel: (p, on) => set((s) => ({ panels: { ...s.panels, [p]: on ?? !s.panels[p] } })),
  toast(kind, text, nodeId, key) {
    const id = ++toastId;
    const keep = (t: Toast) => key === undefined || t.key !== key;
    set((s) => ({ toasts: [...s.toasts.filter(keep).slice(-4), { id, kind, text, ...(nodeId ? { nodeId } : {}), ...(key ? { key } : {}) }] }));
    setTimeout(() => get().dismissToast(id), kind === "info" ? 5_000 : 12_000);
  },
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  dismissHint() {
    localStorage.setItem(STORAGE.hintDismissed, "1");
    set({ hint: false });
  },
  setShareLink: (shareLink) => set({ shareLink }),
  setConnecting(p) {
    if (!p?.nodeId || !p.handleId || !p.handleType) return set({ connecting: undefined });
    const s = get();
    const n = s.nodes.find((x) => x.id === p.nodeId);
    const def = n && isStudio(n) ? s.catalogue[n.data.type] : undefined;
    const type = p.handleType === "source" ? outputType(def, p.handleId) : inputType(def, p.handleId);
    set({ connecting: type ? { type, from: p.handleType } : undefined });
  },
});
