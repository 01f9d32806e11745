// Queue and history (right panel): running and pending jobs with interrupt/cancel, finished
// ones with their status; "Open" reloads a job's workflow and its outputs.
import { useStudio } from "../store/index.ts";

const short = (id: string) => id.slice(0, 8);

function when(entry: { status: { messages: [string, Record<string, unknown>][] } }): string {
  const end = entry.status.messages.findLast((m) => typeof m[1].timestamp === "number");
  const t = end?.[1].timestamp;
  return typeof t === "number" ? new Date(t).toLocaleTimeString() : "";
}

export function JobsPanel() {
  const queue = useStudio((s) => s.queueState);
  const history = useStudio((s) => s.history);
  const mine = useStudio((s) => s.jobs);
  const interrupt = useStudio((s) => s.interrupt);
  const cancel = useStudio((s) => s.cancel);
  const toFront = useStudio((s) => s.toFront);
  const setPaused = useStudio((s) => s.setQueuePaused);
  const openHistory = useStudio((s) => s.openHistory);
  return (
    <aside className="jobs-panel" data-testid="jobs-panel">
      <h3>
        Running{" "}
        <button data-testid="queue-pause" onClick={() => void setPaused(!queue.paused)} title={queue.paused ? "Start taking jobs again" : "Finish the running job, then take no new one"}>
          {queue.paused ? "Resume queue" : "Pause queue"}
        </button>
      </h3>
      {queue.paused && <p className="muted" data-testid="queue-paused">Queue paused</p>}
      {queue.running.length === 0 && <p className="muted">Nothing running</p>}
      <ul>
        {queue.running.map((q) => (
          <li key={q[1]} className="job running" data-job={q[1]}>
            <span>#{q[0]} {short(q[1])}{q[1] in mine ? " (this tab)" : ""}</span>
            <button onClick={() => void interrupt(q[1])} title="Stop this job at its next step">Interrupt</button>
          </li>
        ))}
      </ul>
      <h3>Pending ({queue.pending.length})</h3>
      <ul>
        {queue.pending.map((q, i) => (
          <li key={q[1]} className="job pending" data-job={q[1]}>
            <span>#{q[0]} {short(q[1])}</span>
            {i > 0 && (
              <button data-testid="to-front" onClick={() => void toFront(q[1])} title="Run this job next">
                Run next
              </button>
            )}
            <button onClick={() => void cancel(q[1])}>Cancel</button>
          </li>
        ))}
      </ul>
      <h3>Done</h3>
      <ul data-testid="history">
        {history.map(([id, e]) => (
          <li key={id} className={`job done ${e.status.status_str}`} data-job={id}>
            <span title={id}>
              {e.status.status_str === "success" ? "✓" : "✗"} {short(id)} <span className="muted">{when(e)}</span>
            </span>
            <button onClick={() => void openHistory(id)} title="Load this job's workflow and outputs">Open</button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
