// Messages in the corner; an error about a node shows that node when clicked.
import { focusNode } from "../canvas/instance.ts";
import { useStudio } from "../store/index.ts";

export function Toasts() {
  const toasts = useStudio((s) => s.toasts);
  const shareLink = useStudio((s) => s.shareLink);
  return (
    <div className="toasts" aria-live="polite">
      {shareLink && (
        <div className="toast info share">
          <span>Share link</span>
          <input readOnly data-testid="share-link" value={shareLink} onFocus={(e) => e.target.select()} />
          <button onClick={() => useStudio.getState().setShareLink(undefined)}>×</button>
        </div>
      )}
      {toasts.map((t) => (
        <div
          key={t.id}
          className={`toast ${t.kind}${t.nodeId ? " clickable" : ""}`}
          data-testid={`toast-${t.kind}`}
          onClick={() => (t.nodeId ? focusNode(t.nodeId) : useStudio.getState().dismissToast(t.id))}
        >
          {t.text}
        </div>
      ))}
    </div>
  );
}
