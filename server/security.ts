// Security defaults: who may call the server (token, Host, Origin) and which files it may touch.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import path from "node:path";

export interface AccessPolicy {
  /** The address the server binds. */
  host: string;
  /** Accepting other machines: any Host header, token required. */
  listen: boolean;
  token?: string;
  /** Origins allowed to make cross-site requests ("*" for any). */
  corsOrigin: readonly string[];
}

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "::1"]);

export function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127(\.\d{1,3}){3}$/.test(host) || host.endsWith(".localhost");
}

/** Throws with the fix when the options would expose the server without a token. */
export function checkExposure(p: Pick<AccessPolicy, "host" | "listen" | "token">): void {
  const exposed = p.listen || !isLoopback(p.host);
  if (exposed && !p.token) {
    const why = p.listen ? "--listen" : `binding ${p.host}`;
    throw new Error(`${why} lets other machines reach the server, so it needs an access token: pass --token <token> or set T2V_TOKEN`);
  }
}

/** "Host: [::1]:8188" → "::1"; lower-cased; undefined when absent or malformed. */
export function hostnameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    return end > 0 ? h.slice(1, end) : undefined;
  }
  return h.split(":")[0] || undefined;
}

function normalHost(hostHeader: string, protocol: string): string {
  const h = hostHeader.trim().toLowerCase();
  const defaultPort = protocol === "https:" ? ":443" : ":80";
  return h.endsWith(defaultPort) ? h.slice(0, -defaultPort.length) : h;
}

export type Verdict = { ok: true; cors?: string } | { ok: false; status: 401 | 403; reason: string };

/**
 * Host and Origin checks for one request (HTTP or WebSocket upgrade). Blocks DNS rebinding
 * (a foreign Host on a loopback server), cross-site requests (an Origin other than the server's
 * own, `Origin: null` included) unless --cors-origin allows them.
 */
export function checkSite(req: IncomingMessage, p: AccessPolicy): Verdict {
  const hostHeader = req.headers.host;
  const hostname = hostnameOf(hostHeader);
  if (!p.listen && hostname !== undefined && !isLoopback(hostname) && hostname !== p.host.toLowerCase()) {
    return { ok: false, status: 403, reason: `Host "${hostHeader}" is not this server (DNS rebinding?); use http://127.0.0.1 or start with --listen` };
  }
  const origin = req.headers.origin;
  if (origin === undefined) {
    // No Origin: a script, or a same-site navigation. Browsers still tell us cross-site fetches.
    const site = req.headers["sec-fetch-site"];
    const navigate = req.headers["sec-fetch-mode"] === "navigate" && req.method === "GET";
    if (site === "cross-site" && !navigate) return { ok: false, status: 403, reason: "cross-site request refused" };
    return { ok: true };
  }
  if (p.corsOrigin.includes(origin) || (p.corsOrigin.includes("*") && origin !== "null")) return { ok: true, cors: origin };
  if (origin === "null") return { ok: false, status: 403, reason: "Origin: null refused (sandboxed or file:// pages may not call the server)" };
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return { ok: false, status: 403, reason: `malformed Origin "${origin}"` };
  }
  if (hostHeader === undefined || normalHost(url.host, url.protocol) !== normalHost(hostHeader, url.protocol)) {
    return { ok: false, status: 403, reason: `cross-site request from ${origin} refused (allow it with --cors-origin ${origin})` };
  }
  return { ok: true };
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

export const TOKEN_COOKIE = "t2v_token";

/** The token a request carries: `Authorization: Bearer`, `?token=`, or the cookie set from it. */
export function presentedToken(req: IncomingMessage): { token?: string; via?: "header" | "query" | "cookie" } {
  const auth = req.headers.authorization;
  if (auth?.startsWith("Bearer ")) return { token: auth.slice(7).trim(), via: "header" };
  const q = new URL(req.url ?? "/", "http://x").searchParams.get("token");
  if (q) return { token: q, via: "query" };
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === TOKEN_COOKIE) return { token: decodeURIComponent(v.join("=")), via: "cookie" };
  }
  return {};
}

export function checkToken(req: IncomingMessage, p: AccessPolicy): Verdict & { via?: string } {
  if (!p.token) return { ok: true };
  const { token, via } = presentedToken(req);
  if (token === undefined) return { ok: false, status: 401, reason: "access token required (Authorization: Bearer <token> or ?token=<token>)" };
  // Compare digests: constant time and independent of length.
  if (!timingSafeEqual(digest(token), digest(p.token))) return { ok: false, status: 401, reason: "wrong access token" };
  return { ok: true, via };
}

export class UnsafePathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsafePathError";
  }
}

/**
 * `root/...parts`, refusing anything that could leave `root`: absolute parts, `..` segments,
 * NUL, and (after resolving) any path outside it. Empty parts are skipped.
 */
export function resolveInside(root: string, ...parts: string[]): string {
  const base = path.resolve(root);
  for (const part of parts) {
    if (part.includes("\0")) throw new UnsafePathError("path contains NUL");
    if (path.isAbsolute(part) || /^[a-zA-Z]:/.test(part) || part.startsWith("\\")) throw new UnsafePathError(`absolute path "${part}" refused`);
    if (part.split(/[\\/]/).includes("..")) throw new UnsafePathError(`".." in "${part}" refused`);
  }
  const full = path.resolve(base, ...parts.filter((p) => p !== ""));
  const rel = path.relative(base, full);
  if (rel.startsWith("..") || path.isAbsolute(rel)) throw new UnsafePathError("path leaves its folder");
  return full;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f]/g;

/** A bare file name: no separators, not "." or "..", no NUL or control characters. */
export function checkFileName(name: string): string {
  if (name === "" || name === "." || name === ".." || /[\\/]/.test(name) || name.search(CONTROL) >= 0 || name.length > 255) {
    throw new UnsafePathError(`file name "${name.replace(CONTROL, "?")}" refused`);
  }
  return name;
}
