// The studio's layout: top bar, node library, canvas, jobs panel, and the overlays.
import { ReactFlowProvider } from "@xyflow/react";
import { Canvas } from "./canvas/Canvas.tsx";
import { AddNodeMenu } from "./panels/AddNodeMenu.tsx";
import { HelpPanel } from "./panels/HelpPanel.tsx";
import { JobsPanel } from "./panels/JobsPanel.tsx";
import { LibraryDialog } from "./panels/LibraryDialog.tsx";
import { NodeLibrary } from "./panels/NodeLibrary.tsx";
import { PackNotice } from "./panels/PackNotice.tsx";
import { Toasts } from "./panels/Toasts.tsx";
import { TopBar } from "./panels/TopBar.tsx";
import { useStudio } from "./store/index.ts";

function Hint() {
  const hint = useStudio((s) => s.hint);
  if (!hint) return null;
  return (
    <div className="hint" data-testid="hint">
      Press <kbd>Queue</kbd> or <kbd>Ctrl+Enter</kbd> to make a video from the prompt · double-click the canvas to add a node · <kbd>?</kbd> lists
      shortcuts
      <button aria-label="Dismiss" onClick={() => useStudio.getState().dismissHint()}>
        ×
      </button>
    </div>
  );
}

export function App({ error }: { error?: string }) {
  const nodesPanel = useStudio((s) => s.panels.nodes);
  const jobsPanel = useStudio((s) => s.panels.jobs);
  return (
    <ReactFlowProvider>
      <div className="studio">
        <TopBar />
        <Hint />
        {error && <div className="boot-error">{error}</div>}
        <main className="workspace">
          {nodesPanel && <NodeLibrary />}
          <Canvas />
          {jobsPanel && <JobsPanel />}
        </main>
        <AddNodeMenu />
        <LibraryDialog />
        <HelpPanel />
        <Toasts />
        <PackNotice />
      </div>
    </ReactFlowProvider>
  );
}
