// Files the server wrote (FileRef in a node's ui) → URLs under /view, and browser downloads.
export interface FileRef {
  filename: string;
  subfolder: string;
  type: "output" | "temp" | "input";
}

export function isFileRef(v: unknown): v is FileRef {
  if (typeof v !== "object" || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.filename === "string" && typeof r.subfolder === "string" && (r.type === "output" || r.type === "temp" || r.type === "input");
}

export function viewUrl(f: FileRef): string {
  const q = new URLSearchParams({ filename: f.filename, subfolder: f.subfolder, type: f.type });
  return `api/view?${q.toString()}`;
}

/** <video> plays mp4/webm; animated webp/gif (and stills) go in an <img>. */
export function isVideoFile(name: string): boolean {
  return /\.(mp4|webm|mov|mkv)$/i.test(name);
}

export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** "My flow!" → "My flow_" : a name the server's workflow library accepts. */
export function safeName(raw: string): string {
  const s = raw.trim().replace(/\.json$/i, "").replace(/[^\w ()+,=@.-]/g, "_").replace(/^[^\w]+/, "");
  return s.slice(0, 120) || "workflow";
}
