import { type DocumentNode, type GraphQLFormattedError, print } from "graphql";
import type { ApiSocket, ExecutionResult, Operation, RefusalReason } from "./executor.ts";

/**
 * One graphql-ws (graphql-transport-ws) connection as text messages: the in-process pipe to the api's own
 * graphql-ws server, or a real socket (remote executor). Both executors share this client.
 */
export interface MessagePipe {
  send(text: string): void;
  close(code: number, reason: string): void;
  /** every server message in order, then the close (once) */
  listen(onMessage: (text: string) => void, onClose: (code: number, reason: string) => void): void;
}

type ServerMessage =
  | { type: "connection_ack"; payload?: { userId?: unknown } }
  | { type: "ping" | "pong" }
  | { type: "next"; id: string; payload: ExecutionResult<unknown> }
  | { type: "error"; id: string; payload: readonly GraphQLFormattedError[] }
  | { type: "complete"; id: string };

/** The API's close codes at connect: graphql-ws Forbidden (auth), Parley's TooManySockets. */
const REFUSALS: Record<number, RefusalReason> = {
  4403: "unauthenticated",
  4401: "unauthenticated",
  1008: "too-many-sockets",
};

/** A document's query text, JSON-encoded, printed once per document (operations are module constants). */
const queryJson = new WeakMap<DocumentNode, string>();
export function jsonQuery(document: DocumentNode): string {
  let json = queryJson.get(document);
  if (json === undefined) {
    json = JSON.stringify(print(document));
    queryJson.set(document, json);
  }
  return json;
}

/** Connects (connection_init → ack) and resolves the socket, or why the API refused it. */
export function connectApiSocket(pipe: MessagePipe): Promise<ApiSocket | { refused: RefusalReason }> {
  return new Promise((resolve) => {
    let socket: GraphqlWsSocket | undefined;
    pipe.listen(
      (text) => {
        if (socket) return socket.receive(text);
        const message = JSON.parse(text) as ServerMessage;
        if (message.type !== "connection_ack" || typeof message.payload?.userId !== "string") {
          pipe.close(4400, "Expected connection_ack with the user id");
          return;
        }
        socket = new GraphqlWsSocket(pipe, message.payload.userId);
        resolve(socket);
      },
      (code, reason) => {
        if (socket) socket.ended(code, reason);
        else resolve({ refused: REFUSALS[code] ?? "unavailable" });
      },
    );
    pipe.send('{"type":"connection_init"}');
  });
}

interface Pending {
  onResult(result: ExecutionResult<unknown>): void;
  /** the API sent error or complete */
  onEnd(): void;
  onClosed(): void;
}

class GraphqlWsSocket implements ApiSocket {
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #operations = new Map<string, Pending>();
  #nextId = 0;
  #isClosed = false;
  #settle: (value: { code: number; reason: string }) => void = () => {};

  constructor(
    private readonly pipe: MessagePipe,
    readonly userId: string,
  ) {
    this.closed = new Promise((resolve) => {
      this.#settle = resolve;
    });
  }

  execute<R, V>(operation: Operation<R, V>): Promise<ExecutionResult<R>> {
    return new Promise((resolve) => {
      let settled = false;
      this.#start(operation, {
        onResult: (result) => {
          settled = true;
          resolve(result as ExecutionResult<R>);
        },
        onEnd: () => {
          if (!settled) resolve({ errors: [closedError] });
        },
        onClosed: () => {
          if (!settled) resolve({ errors: [closedError] });
        },
      });
    });
  }

  subscribe<R, V>(
    operation: Operation<R, V>,
    onResult: (result: ExecutionResult<R>) => void,
    onEnd: () => void = () => {},
  ): () => void {
    const id = this.#start(operation, {
      onResult: (result) => onResult(result as ExecutionResult<R>),
      onEnd,
      onClosed: () => {},
    });
    return () => {
      if (this.#operations.delete(id) && !this.#isClosed) this.pipe.send(`{"type":"complete","id":"${id}"}`);
    };
  }

  close(): void {
    this.pipe.close(1000, "Normal Closure");
  }

  receive(text: string): void {
    const message = JSON.parse(text) as ServerMessage;
    switch (message.type) {
      case "next":
        this.#operations.get(message.id)?.onResult(message.payload);
        break;
      case "error": {
        const pending = this.#operations.get(message.id);
        this.#operations.delete(message.id);
        pending?.onResult({ errors: message.payload } as ExecutionResult<unknown>);
        pending?.onEnd();
        break;
      }
      case "complete": {
        const pending = this.#operations.get(message.id);
        this.#operations.delete(message.id);
        pending?.onEnd();
        break;
      }
      case "ping":
        this.pipe.send('{"type":"pong"}');
        break;
    }
  }

  /** Running queries and mutations resolve with an error; subscriptions just stop (`closed` says why). */
  ended(code: number, reason: string): void {
    this.#isClosed = true;
    this.#settle({ code, reason });
    for (const pending of this.#operations.values()) pending.onClosed();
    this.#operations.clear();
  }

  #start<R, V>(operation: Operation<R, V>, pending: Pending): string {
    const id = String(++this.#nextId);
    if (this.#isClosed) {
      queueMicrotask(() => pending.onClosed());
      return id;
    }
    this.#operations.set(id, pending);
    const variables = JSON.stringify(operation.variables ?? {});
    this.pipe.send(
      `{"type":"subscribe","id":"${id}","payload":{"query":${jsonQuery(operation.document)},"variables":${variables}}}`,
    );
    return id;
  }
}

/** What an operation on a closed socket gets (the session closes its legacy socket at the same time). */
const closedError = { message: "The API connection is closed.", extensions: { code: "UNAVAILABLE" } };
