// The editor's browser-storage keys, in one place. Earlier versions used "t2v" + "." + name (a
// prefix that reads like a node type id); such keys move to the new names the first time this loads.
export const STORAGE = {
  /** localStorage: the graph being edited, restored on reload. */
  current: "t2v-studio:current",
  clipboard: "t2v-studio:clipboard",
  hintDismissed: "t2v-studio:hint-dismissed",
  autorun: "t2v-studio:autorun",
  /** sessionStorage: this tab's client id and its jobs. */
  clientId: "t2v-studio:client-id",
  jobs: "t2v-studio:jobs",
} as const;

const LEGACY: Record<string, string> = {
  current: STORAGE.current,
  clipboard: STORAGE.clipboard,
  "hint.dismissed": STORAGE.hintDismissed,
  autorun: STORAGE.autorun,
  clientId: STORAGE.clientId,
  jobs: STORAGE.jobs,
};

function moveLegacy(store: Storage): void {
  for (const [old, now] of Object.entries(LEGACY)) {
    const key = ["t2v", old].join(".");
    const value = store.getItem(key);
    if (value === null) continue;
    if (store.getItem(now) === null) store.setItem(now, value);
    store.removeItem(key);
  }
}

try {
  moveLegacy(localStorage);
  moveLegacy(sessionStorage);
} catch {
  // storage unavailable (private mode, tests without a DOM): nothing to move
}
