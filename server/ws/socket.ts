// The /ws endpoint: the same Host/Origin/token checks as HTTP, then the hub takes the socket.
import type { Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { checkSite, checkToken, type AccessPolicy } from "../security.ts";
import type { Client, Hub } from "./hub.ts";

export interface SocketOptions {
  server: Server;
  hub: Hub;
  policy: AccessPolicy;
  /** Largest client message; default 1 MiB. */
  maxPayload?: number;
  /** After `status`, e.g. the running node for a client that reconnects mid-job. */
  onOpen?(client: Client): void;
}

const WS_PATHS = new Set(["/ws", "/api/ws"]);

function refuse(socket: Duplex, status: number, reason: string): void {
  const text = status === 401 ? "Unauthorized" : status === 404 ? "Not Found" : "Forbidden";
  socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
}

export function attachWebSocket(o: SocketOptions): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: o.maxPayload ?? 1 << 20 });
  o.server.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (!WS_PATHS.has(url.pathname)) return refuse(socket, 404, "no WebSocket endpoint here; use /ws");
    // Browsers do not apply CORS to WebSockets: this check is the only thing stopping other sites.
    const site = checkSite(req, o.policy);
    if (!site.ok) return refuse(socket, site.status, site.reason);
    const token = checkToken(req, o.policy);
    if (!token.ok) return refuse(socket, token.status, token.reason);
    wss.handleUpgrade(req, socket, head, (ws) => {
      o.hub.attach(ws, url.searchParams.get("clientId") ?? undefined, o.onOpen);
    });
  });
  return wss;
}
