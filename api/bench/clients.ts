// One benchmark socket: hand-rolled frames on the same `ws` client for every server, so the client's own cost is
// the same whatever it measures. Parley: graphql-transport-ws, Bearer token in connectionParams. Relay: relay.ts.
// Bridge: the legacy /ws/events/ socket, `access_token` cookie, `new_message` frames echoed to both users.
import WebSocket from "ws";
import type { Target } from "./targets.ts";

const CHAT_EVENTS =
  "subscription{chatEvents{__typename ... on MessageSentEvent{message{id content clientTimestamp sender{username}}}}}";
const PRESENCE_EVENTS = "subscription{presenceEvents{__typename ... on PresenceChangedEvent{status user{username}}}}";
const SEND_MESSAGE =
  "mutation($c:ID!,$t:String!,$ts:String){sendMessage(chatId:$c,content:$t,clientTimestamp:$ts){id}}";
const TEXT = "hello from the benchmark, sixty-four characters of chat text ok";

export interface Handlers {
  /** a message reached socket `receiver`; sentAt is the sender's performance.now() just before the send */
  chat(receiver: number, seq: number, sentAt: number): void;
  /** the sender got its mutation result (relay: its ack) */
  ack(sentAt: number, ok: boolean): void;
  presence(receiver: number, username: string, online: boolean): void;
  error(text: string): void;
}

export class BenchSocket {
  #ws: WebSocket | undefined;
  #ops = 0;
  #acks = new Map<string, number>(); // parley: operation id -> send time
  #relayAcks: number[] = []; // relay: send times, acked in order
  #legacyAcks = new Map<string, number>(); // bridge: timestamp -> send time, acked by the sender's own echo
  #waiting = new Map<string, () => void>(); // "chat" | "presence" | "joined" -> resolve
  closing = false;
  /** performance.now() at "open": where a Parley user's presence starts (its connection_init goes out) */
  openedAt = 0;

  constructor(
    readonly index: number,
    readonly target: Target,
    readonly handlers: Handlers,
    /** Parley access token (relay: unused) */
    readonly token = "",
    /** bridge: tells the echo of an own message (the ack) from a peer's message */
    readonly username = "",
  ) {}

  /** Opens the socket; Parley: resolves at connection_ack (authenticated). */
  connect(timeoutMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const parley = this.target.kind === "parley";
      const legacy = this.target.kind === "bridge";
      const ws = new WebSocket(this.target.wsUrl, parley ? "graphql-transport-ws" : undefined, {
        perMessageDeflate: false,
        headers: legacy ? { cookie: `access_token=${this.token}` } : {},
      });
      this.#ws = ws;
      const timer = setTimeout(() => {
        reject(new Error(`socket ${this.index}: no ${parley ? "connection_ack" : "open"} in ${timeoutMs} ms`));
        ws.terminate();
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      ws.on("open", () => {
        this.openedAt = performance.now();
        if (!parley) return done();
        this.#raw({ type: "connection_init", payload: { authorization: `Bearer ${this.token}` } });
        this.#waiting.set("ack", done);
      });
      ws.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      ws.on("close", (code, reason) => {
        if (!this.closing) this.handlers.error(`socket ${this.index} closed: ${code} ${reason}`);
      });
      ws.on("message", (data) => {
        const text = data.toString();
        try {
          if (parley) this.#onParley(JSON.parse(text));
          else if (legacy) this.#onLegacy(JSON.parse(text));
          else this.#onRelay(JSON.parse(text));
        } catch (error) {
          this.handlers.error(`socket ${this.index}: ${String(error)} in ${text.slice(0, 200)}`);
        }
      });
    });
  }

  /** Parley: chatEvents until its StreamReadyEvent. Relay: joins the pair's room. Bridge: subscribed at connect. */
  subscribeChat(room: string): Promise<void> {
    if (this.target.kind === "bridge") return Promise.resolve();
    return this.#until("chat", () => {
      if (this.target.kind === "parley") this.#raw({ id: "chat", type: "subscribe", payload: { query: CHAT_EVENTS } });
      else this.#raw({ action: "join", data: { room } });
    });
  }

  /** Parley: presenceEvents until its StreamReadyEvent. Relay: every socket gets presence already. */
  subscribePresence(): Promise<void> {
    if (this.target.kind !== "parley") return Promise.resolve();
    return this.#until("presence", () =>
      this.#raw({ id: "presence", type: "subscribe", payload: { query: PRESENCE_EVENTS } }),
    );
  }

  /** Sends message `seq` to the chat (relay: room); returns the time taken just before the send. */
  send(chat: string, seq: number, measured: boolean): number {
    const sentAt = performance.now();
    if (this.target.kind === "parley") {
      const id = `m${++this.#ops}`;
      this.#acks.set(id, measured ? sentAt : -1);
      this.#raw({
        id,
        type: "subscribe",
        payload: { query: SEND_MESSAGE, variables: { c: chat, t: TEXT, ts: `${seq}:${sentAt}` } },
      });
    } else if (this.target.kind === "bridge") {
      const timestamp = `${seq}:${sentAt}`;
      this.#legacyAcks.set(timestamp, measured ? sentAt : -1);
      this.#raw({ action: "new_message", data: { chat_id: chat, content: TEXT, timestamp } });
    } else {
      this.#relayAcks.push(measured ? sentAt : -1);
      this.#raw({ action: "send", data: { room: chat, body: { seq, ts: sentAt, text: TEXT } } });
    }
    return sentAt;
  }

  /** Relay only: what a Parley socket's connection does by itself (its user comes online). */
  announce(username: string) {
    if (this.target.kind === "relay") this.#raw({ action: "presence", data: { user: username } });
  }

  get pendingAcks() {
    return this.#acks.size + this.#relayAcks.length + this.#legacyAcks.size;
  }

  close() {
    this.closing = true;
    this.#ws?.terminate();
  }

  #until(key: string, start: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`socket ${this.index}: ${key} not ready in 60 s`)), 60_000);
      this.#waiting.set(key, () => {
        clearTimeout(timer);
        resolve();
      });
      start();
    });
  }

  #ready(key: string) {
    const resolve = this.#waiting.get(key);
    this.#waiting.delete(key);
    resolve?.();
  }

  #raw(frame: object) {
    this.#ws?.send(JSON.stringify(frame));
  }

  #onParley(frame: { type: string; id?: string; payload?: any }) {
    if (frame.type === "connection_ack") return this.#ready("ack");
    if (frame.type === "ping") return this.#raw({ type: "pong" });
    if (frame.type === "error")
      return this.handlers.error(`socket ${this.index} ${frame.id}: ${JSON.stringify(frame.payload)}`);
    if (frame.type === "complete") {
      if (frame.id === "chat" || frame.id === "presence")
        this.handlers.error(`socket ${this.index}: ${frame.id} ended`);
      return;
    }
    if (frame.type !== "next") return;
    if (frame.id === "chat") {
      const event = frame.payload?.data?.chatEvents;
      if (event?.__typename === "StreamReadyEvent") return this.#ready("chat");
      const stamp: string = event?.message?.clientTimestamp ?? "";
      const colon = stamp.indexOf(":");
      if (colon < 0) return this.handlers.error(`socket ${this.index}: unexpected ${JSON.stringify(frame.payload)}`);
      return this.handlers.chat(this.index, Number(stamp.slice(0, colon)), Number(stamp.slice(colon + 1)));
    }
    if (frame.id === "presence") {
      const event = frame.payload?.data?.presenceEvents;
      if (event?.__typename === "StreamReadyEvent") return this.#ready("presence");
      return this.handlers.presence(this.index, event?.user?.username ?? "", event?.status === "ONLINE");
    }
    const sentAt = frame.id === undefined ? undefined : this.#acks.get(frame.id);
    if (sentAt === undefined) return;
    this.#acks.delete(frame.id!);
    const ok = !frame.payload?.errors;
    if (!ok) this.handlers.error(`sendMessage: ${JSON.stringify(frame.payload.errors).slice(0, 300)}`);
    this.handlers.ack(sentAt, ok);
  }

  #onLegacy(frame: { action: string; data?: any }) {
    if (frame.action !== "new_message") return;
    const stamp: string = frame.data?.timestamp ?? "";
    const colon = stamp.indexOf(":");
    if (colon < 0) return this.handlers.error(`socket ${this.index}: unexpected ${JSON.stringify(frame)}`);
    if (frame.data.sender !== this.username) {
      return this.handlers.chat(this.index, Number(stamp.slice(0, colon)), Number(stamp.slice(colon + 1)));
    }
    const sentAt = this.#legacyAcks.get(stamp);
    if (sentAt === undefined) return; // the echo on another socket of the sender
    this.#legacyAcks.delete(stamp);
    this.handlers.ack(sentAt, true);
  }

  #onRelay(frame: { action: string; data?: any }) {
    if (frame.action === "joined") this.#ready("chat");
    else if (frame.action === "message") this.handlers.chat(this.index, frame.data.seq, frame.data.ts);
    else if (frame.action === "ack") this.handlers.ack(this.#relayAcks.shift() ?? -1, true);
    else if (frame.action === "online") this.handlers.presence(this.index, frame.data.user, true);
  }
}
