// How the widget talks to Rasa: the socket.io channel first, Rasa's REST
// channel when the socket cannot connect. Both deliver bot messages in one
// shape: {text?, buttons?: [{title, payload}], custom?, image?}.
import { io } from "socket.io-client";

export function normalise(message) {
  const out = {};
  if (!message || typeof message !== "object") return out;
  if (typeof message.text === "string" && message.text.trim()) out.text = message.text;
  const buttons = message.buttons || message.quick_replies;
  if (Array.isArray(buttons) && buttons.length) {
    out.buttons = buttons
      .filter((b) => b && (b.title || b.payload))
      .map((b) => ({ title: String(b.title || b.payload), payload: String(b.payload || b.title) }));
  }
  if (message.custom && typeof message.custom === "object") out.custom = message.custom;
  else if (message.type === "triage_summary") out.custom = message;
  if (typeof message.image === "string") out.image = message.image;
  return out;
}

// Rasa's REST channel: one POST per message, the answer holds every reply.
export class RestTransport {
  constructor(config, sessionId) {
    this.config = config;
    this.sessionId = sessionId;
    this.kind = "rest";
  }

  async connect() {
    return this;
  }

  async send(text, onMessage) {
    const response = await fetch(`${this.config.server}/webhooks/rest/webhook`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: this.sessionId, message: text, metadata: { locale: this.config.locale } }),
    });
    if (!response.ok) throw new Error(`server answered ${response.status}`);
    const messages = await response.json();
    for (const m of messages) onMessage(normalise(m));
    return messages.length;
  }

  close() {}
}

// Rasa's socket.io channel, with session persistence: the session id kept by
// the page is the conversation id on the server, so a reload carries on.
export class SocketTransport {
  constructor(config, sessionId, onMessage, onStatus) {
    this.config = config;
    this.sessionId = sessionId;
    this.onMessage = onMessage;
    this.onStatus = onStatus || (() => {});
    this.kind = "socketio";
    this.confirmed = false;
    this.pending = [];
  }

  connect() {
    return new Promise((resolve, reject) => {
      const socket = io(this.config.server, {
        path: this.config.socketPath,
        transports: ["websocket", "polling"],
        timeout: this.config.connectTimeout,
        reconnectionDelayMax: 5000,
      });
      this.socket = socket;
      let settled = false;
      const fail = (why) => {
        if (settled) return;
        settled = true;
        socket.close();
        reject(new Error(why));
      };
      const timer = setTimeout(() => fail("socket timeout"), this.config.connectTimeout);
      socket.on("connect", () => {
        this.confirmed = false;
        socket.emit("session_request", { session_id: this.sessionId });
      });
      socket.on("disconnect", () => {
        this.confirmed = false;
        this.onStatus("offline");
      });
      socket.on("session_confirm", () => {
        this.confirmed = true;
        this.onStatus("online");
        for (const item of this.pending.splice(0)) this._emit(item);
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          resolve(this);
        }
      });
      socket.on("connect_error", () => {
        if (!settled) {
          clearTimeout(timer);
          fail("socket connect error");
        }
      });
      socket.on("bot_uttered", (message) => this.onMessage(normalise(message)));
    });
  }

  _emit(text) {
    this.socket.emit("user_uttered", {
      message: text,
      session_id: this.sessionId,
      metadata: { locale: this.config.locale },
    });
  }

  async send(text) {
    if (this.confirmed && this.socket.connected) this._emit(text);
    else this.pending.push(text);
    return null;
  }

  close() {
    if (this.socket) this.socket.close();
  }
}

export async function openTransport(config, sessionId, onMessage, onStatus) {
  if (config.transport !== "rest") {
    try {
      return await new SocketTransport(config, sessionId, onMessage, onStatus).connect();
    } catch (e) {
      // fall through to REST
    }
  }
  return new RestTransport(config, sessionId).connect();
}
