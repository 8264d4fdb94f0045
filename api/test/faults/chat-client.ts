// A chat client as an app would write one: a live chatEvents subscription, catch-up by cursor after each
// (re)connect, and cursor order. It counts, and never hides, what a broken server would do: a message delivered
// twice on one stream, a gap the live stream never fills.
import type { Client } from "graphql-ws";
import { CHAT_EVENTS, gql, type TestUser, wsClient } from "../harness.ts";

export interface ChatMessage {
  id: string;
  cursor: string;
  content: string;
}

const CATCH_UP = `query($c: ID!, $after: String) {
  chat(id: $c) { messages(after: $after, first: 100) { nodes { id cursor content } hasNextPage } }
}`;

export class ChatClient {
  /** messages in the order the client applied them */
  readonly applied: ChatMessage[] = [];
  /** the same message twice on one subscription: always a server bug */
  duplicatesOnAStream = 0;
  reconnects = 0;
  private last: number;
  private client: Client | undefined;
  private streamSeen = new Set<string>();
  /** live messages past a gap (published out of order), applied once the gap fills */
  private held: ChatMessage[] = [];
  private catchingUp = false;
  private buffered: ChatMessage[] = [];

  constructor(
    private readonly user: TestUser,
    private readonly chatId: string,
    startCursor: string,
  ) {
    this.last = Number(startCursor);
  }

  get lastCursor(): number {
    return this.last;
  }

  /** Messages held behind a gap that never filled. */
  get gaps(): number {
    return this.held.length;
  }

  /** Subscribes on `server`, then catches up from the last applied cursor. `onDrop` runs if the socket dies. */
  async connect(server: { url: string; wsUrl: string }, onDrop: () => void): Promise<void> {
    const client = wsClient(server, this.user);
    this.client = client;
    this.streamSeen = new Set();
    this.catchingUp = true;
    await new Promise<void>((ready, failed) => {
      client.subscribe<{ chatEvents: { __typename: string; chatId?: string; message?: ChatMessage } }>(
        { query: CHAT_EVENTS },
        {
          next: ({ data }) => {
            const event = data?.chatEvents;
            if (event?.__typename === "StreamReadyEvent") return ready();
            if (event?.__typename === "MessageSentEvent" && event.chatId === this.chatId && event.message) {
              this.onLive(event.message);
            }
          },
          error: (error) => {
            failed(error);
            if (this.client === client) onDrop();
          },
          complete: () => {},
        },
      );
    });
    await this.catchUp(server);
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.dispose();
  }

  private async catchUp(server: { url: string }): Promise<void> {
    for (let page = 0; page < 1000; page++) {
      const result = await gql(server, CATCH_UP, { c: this.chatId, after: String(this.last) }, this.user);
      if (!result.data) throw new Error(`catch-up failed: ${JSON.stringify(result.errors)}`);
      const { nodes, hasNextPage } = result.data.chat.messages as { nodes: ChatMessage[]; hasNextPage: boolean };
      for (const message of nodes) this.apply(message);
      if (!hasNextPage) break;
    }
    this.catchingUp = false;
    const buffered = this.buffered;
    this.buffered = [];
    for (const message of buffered) this.deliver(message);
  }

  private onLive(message: ChatMessage): void {
    if (this.streamSeen.has(message.id)) this.duplicatesOnAStream++;
    this.streamSeen.add(message.id);
    if (this.catchingUp) this.buffered.push(message);
    else this.deliver(message);
  }

  /** Live: already applied (overlap with catch-up) is skipped; past a gap it waits for the gap to fill. */
  private deliver(message: ChatMessage): void {
    const cursor = Number(message.cursor);
    if (cursor <= this.last) return;
    if (cursor > this.last + 1) {
      this.held.push(message);
      return;
    }
    this.apply(message);
    this.held.sort((a, b) => Number(a.cursor) - Number(b.cursor));
    while (this.held.length > 0 && Number(this.held[0]?.cursor) <= this.last + 1) {
      const next = this.held.shift() as ChatMessage;
      if (Number(next.cursor) === this.last + 1) this.apply(next);
    }
  }

  private apply(message: ChatMessage): void {
    if (Number(message.cursor) !== this.last + 1) {
      throw new Error(`applied cursor ${message.cursor} after ${this.last}: the catch-up page was not contiguous`);
    }
    this.applied.push(message);
    this.last = Number(message.cursor);
  }
}
