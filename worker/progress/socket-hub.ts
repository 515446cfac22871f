/**
 * A ViewerState's socket hub: the account's open devices hold hibernatable
 * WebSockets to the object, tagged with their profile and session; each saved
 * position is pushed to the profile's other sockets. A socket whose access
 * token has expired is closed (4001) instead of fed; the client refreshes and
 * reconnects. Sign-out, a revoked family, a deleted profile or account close
 * theirs.
 */
import type { ProgressEntry } from "./model.ts";

/** A socket is closed with this code when the access token it was opened with expires; the client refreshes and reconnects. */
export const SOCKET_SESSION_EXPIRED = 4001;

export interface SocketAttachment {
  profileId: string;
  sessionId: string;
  /** Epoch ms after which the socket's credentials are stale. */
  expiresAt: number;
}

/** The object's open sockets. */
export class SocketHub {
  constructor(private readonly ctx: DurableObjectState) {
    // Keep-alive pings are answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /** Accepts a socket for a profile and session (the Worker checked the session); answers the 101. */
  accept(attachment: SocketAttachment): Response {
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1], [`profile:${attachment.profileId}`, `session:${attachment.sessionId}`]);
    pair[1].serializeAttachment(attachment);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  /** Sends an applied entry to the profile's open sockets; a socket whose credentials expired is closed instead. */
  broadcast(entry: ProgressEntry, nowMs: number): void {
    const message = JSON.stringify({ type: "progress", entry });
    for (const ws of this.ctx.getWebSockets(`profile:${entry.profileId}`)) {
      const attachment = ws.deserializeAttachment() as SocketAttachment | null;
      try {
        if (!attachment || attachment.expiresAt <= nowMs) ws.close(SOCKET_SESSION_EXPIRED, "session expired");
        else ws.send(message);
      } catch {
        // A socket closing concurrently: nothing to deliver.
      }
    }
  }

  /** Closes the sockets of one tag (`profile:<id>`, `session:<id>`), or all of them. */
  close(reason: string, tag?: string): void {
    for (const ws of tag === undefined ? this.ctx.getWebSockets() : this.ctx.getWebSockets(tag)) ws.close(1000, reason);
  }

  /** Completes the closing handshake the client began. */
  closed(ws: WebSocket, code: number): void {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closing");
    } catch {
      // already closed
    }
  }
}
