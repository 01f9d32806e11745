// The server's workflow library: save under a name, open (yours and the shipped templates), delete.
import { useEffect, useState } from "react";
import { openFromLibrary, saveToLibrary } from "../actions.ts";
import { api, type LibraryEntry } from "../api.ts";
import { useStudio } from "../store/index.ts";

export function LibraryDialog() {
  const open = useStudio((s) => s.panels.library);
  if (!open) return null;
  return <Library />;
}

function Library() {
  const docName = useStudio((s) => s.docName);
  const title = useStudio((s) => s.meta.title);
  const [name, setName] = useState(docName ?? title ?? "");
  const [entries, setEntries] = useState<LibraryEntry[] | undefined>(undefined);
  const close = () => useStudio.getState().togglePanel("library", false);
  const refresh = () => void api.library().then(setEntries, (e: unknown) => useStudio.getState().toast("error", String(e)));
  useEffect(refresh, []);

  return (
    <div className="dialog-backdrop" onClick={close}>
      <div className="dialog library" role="dialog" aria-label="Workflow library" data-testid="library" onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.key === "Escape" && close()}>
        <h2>Workflow library</h2>
        <form
          className="save-row"
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim()) void saveToLibrary(name).then((ok) => ok && close());
          }}
        >
          <input autoFocus name="workflow-name" placeholder="Name" value={name} onChange={(e) => setName(e.target.value)} />
          <button type="submit" disabled={!name.trim()}>
            Save
          </button>
        </form>
        {entries === undefined ? (
          <p className="muted">Loading…</p>
        ) : (
          <ul className="library-list">
            {entries.map((e) => (
              <li key={`${e.source}:${e.name}`} data-name={e.name} data-source={e.source}>
                <div>
                  <strong>{e.name}</strong> {e.source === "shipped" && <span className="tag">template</span>}
                  <div className="muted">{e.title && e.title !== e.name ? `${e.title} — ` : ""}{e.description}</div>
                </div>
                <div className="actions">
                  <button onClick={() => void openFromLibrary(e.name, e.source)}>Open</button>
                  {e.source === "user" && (
                    <button
                      className="danger"
                      onClick={() => {
                        if (confirm(`Delete “${e.name}” from the library?`)) void api.deleteFromLibrary(e.name).then(refresh);
                      }}
                    >
                      Delete
                    </button>
                  )}
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
