// The current workflow survives a reload: saved to localStorage shortly after each edit.
import type { Workflow } from "../../../core/workflow/schema.ts";
import { useStudio } from "../store/index.ts";
import { STORAGE } from "./storage.ts";

const KEY = STORAGE.current;
const DELAY_MS = 400;

interface Saved {
  workflow: Workflow;
  name?: string;
  dirty: boolean;
}

export function loadSaved(): Saved | undefined {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Saved) : undefined;
  } catch {
    return undefined;
  }
}

export function persistChanges(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const save = () => {
    const s = useStudio.getState();
    const saved: Saved = { workflow: s.workflow(), ...(s.docName ? { name: s.docName } : {}), dirty: s.revision !== s.savedRevision };
    try {
      localStorage.setItem(KEY, JSON.stringify(saved));
    } catch {
      // quota: the library and downloads still work
    }
  };
  const unsub = useStudio.subscribe((s, prev) => {
    if (s.nodes === prev.nodes && s.edges === prev.edges && s.meta === prev.meta && s.savedRevision === prev.savedRevision && s.docName === prev.docName) return;
    clearTimeout(timer);
    timer = setTimeout(save, DELAY_MS);
  });
  const flush = () => {
    clearTimeout(timer);
    save();
  };
  window.addEventListener("pagehide", flush);
  return () => {
    unsub();
    window.removeEventListener("pagehide", flush);
  };
}
