// The WebSocket: one connection per tab (clientId kept in sessionStorage), announces
// supports_preview_metadata, parses every message with the shared protocol, reconnects.
import { BinaryEvent, decodeBinaryFrame, parseWsMessage, type ClientMessage, type ServerMessage } from "../../core/protocol.ts";
import { useStudio } from "./store/index.ts";

export function connectSocket(): () => void {
  let ws: WebSocket | undefined;
  let retry = 500;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const open = () => {
    const { clientId } = useStudio.getState();
    const url = new URL(`ws?clientId=${encodeURIComponent(clientId)}`, location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    const sock = new WebSocket(url);
    ws = sock;
    sock.binaryType = "arraybuffer";
    const send = (m: ClientMessage): boolean => {
      if (sock.readyState !== WebSocket.OPEN) return false;
      sock.send(JSON.stringify(m));
      return true;
    };
    sock.onopen = () => {
      retry = 500;
      send({ type: "feature_flags", data: { supports_preview_metadata: true } });
      useStudio.getState().setSocket(send, true);
    };
    sock.onmessage = (ev: MessageEvent<ArrayBuffer | string>) => {
      const store = useStudio.getState();
      if (typeof ev.data !== "string") {
        try {
          const f = decodeBinaryFrame(ev.data);
          if (f.event === BinaryEvent.PREVIEW_IMAGE_WITH_METADATA && "metadata" in f) store.handlePreview(f.metadata, f.image);
        } catch (err) {
          console.warn("bad preview frame", err);
        }
        return;
      }
      const r = parseWsMessage(ev.data);
      if (!r.ok) return console.warn("unreadable message", r.error);
      const m = r.message;
      if (m.type === "patch" || m.type === "interrupt") return;
      store.handleMessage(m as ServerMessage);
    };
    sock.onclose = () => {
      useStudio.getState().setSocket(undefined, false);
      if (closed) return;
      timer = setTimeout(open, retry);
      retry = Math.min(retry * 2, 8000);
    };
  };
  open();
  return () => {
    closed = true;
    clearTimeout(timer);
    ws?.close();
  };
}
