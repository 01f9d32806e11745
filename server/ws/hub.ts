// Connected WebSocket clients: routing by client id, keepalive during jobs, and preview backpressure.
import { randomUUID } from "node:crypto";
import type { WebSocket } from "ws";
import type { Logger } from "../../core/node/definition.ts";
import { parseWsMessage, type ClientMessage, type ServerMessage } from "../../core/protocol.ts";

export interface Client {
  sid: string;
  ws: WebSocket;
  /** Sent feature_flags with supports_preview_metadata: gets event 4 previews. */
  previewMetadata: boolean;
  lastSent: number;
  /** The newest preview not yet sent (older ones were dropped): backpressure, not a buffer. */
  pendingPreview?: Uint8Array;
}

/** One encoded preview in both layouts; each client gets the one it asked for. */
export interface PreviewFrames {
  legacy: Uint8Array;
  withMetadata: Uint8Array;
}

export interface HubOptions {
  logger: Logger;
  /** Quiet time after which a busy server sends a `status` to a client; default 5000 ms. */
  keepaliveMs?: number;
  /** Above this many bytes queued on a socket, previews wait (and the newest replaces older); default 1 MiB. */
  maxBufferedBytes?: number;
  status(): ServerMessage & { type: "status" };
  serverFeatures(): Record<string, unknown>;
  /** A valid client message (feature_flags is handled here). */
  onMessage(client: Client, message: ClientMessage): void;
}

export type Hub = ReturnType<typeof createHub>;

export function createHub(o: HubOptions) {
  const keepaliveMs = o.keepaliveMs ?? 5000;
  const maxBuffered = o.maxBufferedBytes ?? 1 << 20;
  const clients = new Set<Client>();
  let busy = false;
  let drainTimer: NodeJS.Timeout | undefined;

  function write(c: Client, m: ServerMessage): void {
    if (c.ws.readyState !== c.ws.OPEN) return;
    c.ws.send(JSON.stringify(m));
    c.lastSent = Date.now();
  }

  /** `sid` undefined: every client (a job submitted without a client id). */
  function targets(sid: string | undefined): Client[] {
    return sid === undefined ? [...clients] : [...clients].filter((c) => c.sid === sid);
  }

  function flushPreview(c: Client): boolean {
    if (!c.pendingPreview) return true;
    if (c.ws.readyState !== c.ws.OPEN) {
      c.pendingPreview = undefined;
      return true;
    }
    if (c.ws.bufferedAmount > maxBuffered) return false;
    c.ws.send(c.pendingPreview, { binary: true });
    c.pendingPreview = undefined;
    c.lastSent = Date.now();
    return true;
  }

  function drainLater(): void {
    if (drainTimer) return;
    drainTimer = setInterval(() => {
      let waiting = false;
      for (const c of clients) if (!flushPreview(c)) waiting = true;
      if (!waiting) {
        clearInterval(drainTimer);
        drainTimer = undefined;
      }
    }, 25);
    drainTimer.unref();
  }

  // During a job, a client that heard nothing for keepaliveMs gets a status: traffic for idle timeouts.
  const keepalive = setInterval(() => {
    if (!busy) return;
    const now = Date.now();
    for (const c of clients) if (now - c.lastSent >= keepaliveMs) write(c, o.status());
  }, Math.max(50, Math.floor(keepaliveMs / 4)));
  keepalive.unref();

  return {
    /** Registers a socket; `clientId` as given in `/ws?clientId=`, else a fresh one. */
    attach(ws: WebSocket, clientId: string | undefined, onOpen?: (c: Client) => void): Client {
      const c: Client = { sid: clientId || randomUUID().replaceAll("-", ""), ws, previewMetadata: false, lastSent: Date.now() };
      clients.add(c);
      ws.on("message", (data, isBinary) => {
        if (isBinary) return write(c, { type: "protocol_error", data: { message: "binary messages are not accepted" } });
        const r = parseWsMessage(data.toString());
        if (!r.ok) return write(c, { type: "protocol_error", data: { message: r.error } });
        const m = r.message;
        if (m.type === "feature_flags") {
          c.previewMetadata = m.data.supports_preview_metadata === true;
          return write(c, { type: "feature_flags", data: o.serverFeatures() });
        }
        if (m.type === "patch" || m.type === "interrupt") return o.onMessage(c, m);
        write(c, { type: "protocol_error", data: { message: `"${m.type}" is a server message; clients may send feature_flags, patch or interrupt`, in_reply_to: m.type } });
      });
      ws.on("close", () => clients.delete(c));
      ws.on("error", (err) => o.logger.debug({ err }, "websocket error"));
      write(c, { ...o.status(), data: { ...o.status().data, sid: c.sid } });
      onOpen?.(c);
      return c;
    },
    /** To the clients of `sid`, or to everyone when `sid` is undefined. */
    send(m: ServerMessage, sid: string | undefined): void {
      for (const c of targets(sid)) write(c, m);
    },
    /** Whether anyone would receive a message for `sid` (skip encoding previews for nobody). */
    hasClients(sid: string | undefined): boolean {
      return targets(sid).length > 0;
    },
    sendTo(c: Client, m: ServerMessage): void {
      write(c, m);
    },
    broadcast(m: ServerMessage): void {
      for (const c of clients) write(c, m);
    },
    /** Latest-wins per client: an unsent older preview is replaced, never queued behind. */
    preview(frames: PreviewFrames, sid: string | undefined): void {
      let waiting = false;
      for (const c of targets(sid)) {
        c.pendingPreview = c.previewMetadata ? frames.withMetadata : frames.legacy;
        if (!flushPreview(c)) waiting = true;
      }
      if (waiting) drainLater();
    },
    dropPreviews(): void {
      for (const c of clients) c.pendingPreview = undefined;
    },
    setBusy(b: boolean): void {
      busy = b;
    },
    clients: (): readonly Client[] => [...clients],
    close(): void {
      clearInterval(keepalive);
      if (drainTimer) clearInterval(drainTimer);
      for (const c of clients) c.ws.close(1001, "server shutting down");
      clients.clear();
    },
  };
}
