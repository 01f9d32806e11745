// Keyboard shortcuts (also in docs-draft/editor.md).
import { useStudio } from "../store/index.ts";

export const SHORTCUTS: [string, string][] = [
  ["Ctrl+Enter", "Queue the workflow"],
  ["Double-click canvas", "Add a node (search)"],
  ["Drag a wire to empty space", "Add a node that fits the wire"],
  ["Shift+drag", "Box-select"],
  ["Ctrl+click", "Add to the selection"],
  ["Ctrl+A", "Select all"],
  ["Delete / Backspace", "Delete the selection"],
  ["Ctrl+C / Ctrl+V", "Copy / paste (works between tabs)"],
  ["Ctrl+D", "Duplicate the selection"],
  ["Ctrl+Z", "Undo"],
  ["Ctrl+Shift+Z / Ctrl+Y", "Redo"],
  ["Ctrl+G", "Group the selection"],
  ["Ctrl+M", "Mute the selection (it does not run, nor what depends only on it)"],
  ["Ctrl+B", "Bypass the selection (inputs pass straight through)"],
  ["Ctrl+Shift+G", "Ungroup the selected group"],
  ["Ctrl+S", "Save to the library"],
  ["Ctrl+O", "Open from the library"],
  ["F", "Fit the view"],
  ["Escape", "Close menus and panels"],
  ["? or F1", "This help"],
  ["Drag a number's label", "Scrub its value (live on a running sampler)"],
  ["Double-click a title", "Rename a node or group"],
];

export function HelpPanel() {
  const open = useStudio((s) => s.panels.help);
  if (!open) return null;
  return (
    <div className="dialog-backdrop" onClick={() => useStudio.getState().togglePanel("help", false)}>
      <div className="dialog help" role="dialog" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <table>
          <tbody>
            {SHORTCUTS.map(([k, what]) => (
              <tr key={k}>
                <td>
                  <kbd>{k}</kbd>
                </td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button onClick={() => useStudio.getState().togglePanel("help", false)}>Close</button>
      </div>
    </div>
  );
}
