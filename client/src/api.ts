// The server's HTTP API, as the editor uses it. Shapes come from the server's own modules.
import type { CatalogueNode, NodePackReport } from "../../core/node/catalogue.ts";
import type { HistoryEntry, QueueItem } from "../../core/protocol.ts";

export type { CatalogueNode, HistoryEntry, NodePackReport, QueueItem };

export interface NodeErrorDetail {
  type: string;
  message: string;
  details: string;
  extra_info: { input_name?: string };
}
export interface PromptRefusal {
  error: { type: string; message: string; details: string };
  node_errors: Record<string, { errors: NodeErrorDetail[]; class_type: string }>;
}

export interface LibraryEntry {
  name: string;
  source: "user" | "shipped";
  title: string;
  description: string;
  modified: number;
}

export class ApiError extends Error {
  constructor(
    public readonly status: number,
    message: string,
    public readonly body: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

async function call<T>(route: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`api/${route}`, init);
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (!res.ok) {
    const e = (body as { error?: { message?: string } } | undefined)?.error;
    throw new ApiError(res.status, e?.message ?? `${res.status} ${res.statusText}`, body);
  }
  return body as T;
}

const json = (method: string, body: unknown): RequestInit => ({ method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

export const api = {
  catalogue: () => call<CatalogueNode[]>("nodes"),
  customNodes: () => call<NodePackReport[]>("custom_nodes"),
  queuePrompt: (workflow: unknown, clientId: string, promptId: string) =>
    call<{ prompt_id: string; number: number }>("prompt", json("POST", { workflow, client_id: clientId, prompt_id: promptId })),
  queue: () => call<{ queue_running: QueueItem[]; queue_pending: QueueItem[] }>("queue"),
  toFront: (promptId: string) => call<{ moved: boolean }>("queue/front", json("POST", { prompt_id: promptId })),
  setPaused: (paused: boolean) => call<{ paused: boolean }>(paused ? "queue/pause" : "queue/resume", json("POST", {})),
  cancel: (ids: string[]) => call<{ deleted: number }>("queue", json("POST", { delete: ids })),
  interrupt: (promptId?: string) => call<{ interrupted: string | null }>("interrupt", json("POST", promptId ? { prompt_id: promptId } : {})),
  history: (max = 30) => call<Record<string, HistoryEntry>>(`history?max_items=${max}`),
  deleteHistory: (ids: string[]) => call<{ deleted: number }>("history", json("POST", { delete: ids })),
  library: () => call<LibraryEntry[]>("workflows"),
  loadFromLibrary: (name: string, source?: "user" | "shipped") =>
    call<unknown>(`workflows/${encodeURIComponent(name)}${source ? `?source=${source}` : ""}`),
  saveToLibrary: (name: string, workflow: unknown) => call<{ name: string }>(`workflows/${encodeURIComponent(name)}`, json("PUT", workflow)),
  deleteFromLibrary: (name: string) => call<{ deleted: boolean }>(`workflows/${encodeURIComponent(name)}`, { method: "DELETE" }),
  /** Any document (ours in any version, a ComfyUI API prompt) or a generated file → our workflow. */
  provenance: (body: Blob | string, filename: string) =>
    call<{ source: "json" | "provenance" | "comfyui"; workflow: unknown; warnings?: string[] }>(`provenance?filename=${encodeURIComponent(filename)}`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body,
    }),
  /** A file into the input folder (ComfyUI's /upload/image, which takes any file); a free name is chosen. */
  upload: (file: File) => {
    const form = new FormData();
    form.append("image", file);
    form.append("type", "input");
    return call<{ name: string; subfolder: string; type: string }>("upload/image", { method: "POST", body: form });
  },
  /** The input folder's images or videos, sorted: Load Image's and Load Video's file list. */
  inputFiles: (kind: "image" | "video") => call<{ files: string[] }>(`files/input?kind=${kind}`),
  /** Our document → ComfyUI's UI format. */
  toComfyUi: (workflow: unknown) => call<unknown>("workflow/comfyui", json("POST", workflow)),
  patch: (promptId: string, node: string | undefined, values: Record<string, number>) =>
    call<{ accepted: boolean }>(`jobs/${encodeURIComponent(promptId)}/patch`, json("POST", { node, values })),
};
