// Boot: the catalogue from the server, then the document (share link > last session > the
// default text-to-video template), then the socket, shortcuts and autosave.
import "@xyflow/react/dist/style.css";
import "./styles.css";
import { createRoot } from "react-dom/client";
import { DEFAULT_TEMPLATE, openShareFragment, openTemplate } from "./actions.ts";
import { api } from "./api.ts";
import { App } from "./App.tsx";
import { installShortcuts } from "./keyboard.ts";
import { loadSaved, persistChanges } from "./lib/persist.ts";
import { readDocument } from "./lib/documents.ts";
import { useStudio } from "./store/index.ts";
import { connectSocket } from "./ws.ts";

const root = createRoot(document.getElementById("root") as HTMLElement);

async function openFirstDocument(): Promise<void> {
  if (await openShareFragment()) return;
  const saved = loadSaved();
  if (saved) {
    try {
      const { workflow: wf } = await readDocument(saved.workflow);
      useStudio.getState().loadWorkflow(wf, { ...(saved.name ? { name: saved.name } : {}), clean: !saved.dirty });
      return;
    } catch {
      // an unreadable autosave: fall through to the template
    }
  }
  await openTemplate(DEFAULT_TEMPLATE);
}

async function boot(): Promise<void> {
  root.render(<App />);
  try {
    const list = await api.catalogue();
    useStudio.getState().setCatalogue(Object.fromEntries(list.map((d) => [d.type, d])));
  } catch (err) {
    root.render(<App error={`Cannot reach the server: ${err instanceof Error ? err.message : String(err)}. Reload when it is running.`} />);
    return;
  }
  await openFirstDocument();
  connectSocket();
  installShortcuts();
  persistChanges();
  void useStudio.getState().refreshJobs();
  window.addEventListener("hashchange", () => void openShareFragment());
}

void boot();
