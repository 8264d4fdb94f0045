// A chat client as an app would write one: a live chatEvents subscription, catch-up by cursor after each
// (re)connect and whenever the live stream shows a gap, messages applied in cursor order. It counts, and never
// hides, what a broken server would do: a catch-up page that is not contiguous, a message twice on one stream.
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

type Server = { url: string; wsUrl: string };

export class ChatClient {
  /** messages in the order the client applied them */
  readonly applied: ChatMessage[] = [];
  /** the same message twice on one subscription: always a server bug */
  duplicatesOnAStream = 0;
  reconnects = 0;
  /** messages that arrived on a live stream (new or not) */
  liveReceived = 0;
  /** catch-ups started because a live message showed a gap (at-most-once delivery lost some) */
  gapCatchUps = 0;
  private last: number;
  private client: Client | undefined;
  private server: Server | undefined;
  private streamSeen = new Set<string>();
  /** live messages past a gap, applied once it is filled */
  private held: ChatMessage[] = [];
  private catchingUp = 0;
  private chain: Promise<void> = Promise.resolve();
  private gapFill: Promise<void> | undefined;

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

  /** Live messages still waiting behind a gap. */
  get gaps(): number {
    return this.held.length;
  }

  /** Subscribes on `server`, then catches up from the last applied cursor. `onDrop` runs if the socket dies. */
  async connect(server: Server, onDrop: () => void): Promise<void> {
    const client = wsClient(server, this.user);
    this.client = client;
    this.server = server;
    this.streamSeen = new Set();
    this.catchingUp++; // live messages wait until the catch-up below has applied what came before them
    try {
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
    } finally {
      this.catchingUp--;
    }
    await this.enqueueCatchUp(server);
  }

  /** Resolves once no catch-up is running or queued. */
  async idle(): Promise<void> {
    while (this.gapFill) await this.gapFill;
    await this.chain;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.dispose();
  }

  /** Catch-ups run one at a time, in order. */
  private enqueueCatchUp(server: { url: string }): Promise<void> {
    const run = this.chain.then(() => this.catchUp(server));
    this.chain = run.catch(() => {});
    return run;
  }

  private async catchUp(server: { url: string }): Promise<void> {
    this.catchingUp++;
    try {
      for (let page = 0; page < 1000; page++) {
        const after = this.last;
        const result = await gql(server, CATCH_UP, { c: this.chatId, after: String(after) }, this.user);
        if (!result.data) throw new Error(`catch-up failed: ${JSON.stringify(result.errors)}`);
        const { nodes, hasNextPage } = result.data.chat.messages as { nodes: ChatMessage[]; hasNextPage: boolean };
        const cursors = nodes.map((message) => Number(message.cursor));
        if (cursors.some((cursor, i) => cursor !== after + 1 + i)) {
          throw new Error(`catch-up after ${after} returned cursors ${cursors.join(",")}: not contiguous`);
        }
        for (const message of nodes) if (Number(message.cursor) > this.last) this.apply(message);
        if (!hasNextPage) break;
      }
    } finally {
      this.catchingUp--;
    }
    const held = this.held;
    this.held = [];
    for (const message of held) this.deliver(message);
  }

  private onLive(message: ChatMessage): void {
    this.liveReceived++;
    if (this.streamSeen.has(message.id)) this.duplicatesOnAStream++;
    this.streamSeen.add(message.id);
    this.deliver(message);
  }

  /** Already applied (overlap with a catch-up): skipped. Past a gap: held, and the gap is read by cursor. */
  private deliver(message: ChatMessage): void {
    const cursor = Number(message.cursor);
    if (cursor <= this.last) return;
    if (this.catchingUp > 0 || cursor > this.last + 1) {
      this.held.push(message);
      if (this.catchingUp === 0) this.fillGap();
      return;
    }
    this.apply(message);
  }

  private fillGap(): void {
    if (this.gapFill || !this.server) return;
    this.gapCatchUps++;
    // A failed gap catch-up (the instance died) is retried by the reconnect's own catch-up.
    this.gapFill = this.enqueueCatchUp(this.server)
      .catch(() => {})
      .finally(() => {
        this.gapFill = undefined;
      });
  }

  private apply(message: ChatMessage): void {
    if (Number(message.cursor) !== this.last + 1) throw new Error(`applied ${message.cursor} after ${this.last}`);
    this.applied.push(message);
    this.last = Number(message.cursor);
  }
}
