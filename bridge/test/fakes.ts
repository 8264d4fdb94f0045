// A fake legacy socket and a fake API socket for the transport-free session core.
import { type DocumentNode, Kind } from "graphql";
import type { Domain } from "../src/actions/action.ts";
import type { ApiSocket, ExecutionResult, Operation } from "../src/executor.ts";
import { CallerDocument } from "../src/operations/generated/graphql.ts";
import type { BridgeLogger, LegacySocketPort, SessionOptions } from "../src/session.ts";

export class FakeSocket implements LegacySocketPort {
  readonly sent: unknown[] = [];
  closedWith: { code: number; reason: string } | undefined;
  bufferedAmount = 0;
  #listener: (text: string, binary: boolean) => void = () => {};

  send(text: string): void {
    if (this.closedWith) throw new Error("send after close");
    this.sent.push(JSON.parse(text));
  }

  close(code: number, reason: string): void {
    this.closedWith ??= { code, reason };
  }

  onMessage(listener: (text: string, binary: boolean) => void): void {
    this.#listener = listener;
  }

  /** the client sends a text frame (an object is JSON-encoded) */
  receive(frame: unknown): void {
    this.#listener(typeof frame === "string" ? frame : JSON.stringify(frame), false);
  }

  receiveBinary(): void {
    this.#listener("", true);
  }
}

interface Feed {
  operation: Operation<unknown, unknown>;
  onResult: (result: ExecutionResult<unknown>) => void;
  onEnd: () => void;
  ended: boolean;
}

/** Answers the caller query; every other operation waits for `answer` (or resolves at once when `instant`). */
export class FakeApi implements ApiSocket {
  readonly userId = "11111111-1111-4111-8111-111111111111";
  readonly executed: Operation<unknown, unknown>[] = [];
  readonly feeds: Feed[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  closedByBridge = false;
  instant = true;
  #answers: (() => void)[] = [];
  #end: (value: { code: number; reason: string }) => void = () => {};

  constructor() {
    this.closed = new Promise((resolve) => {
      this.#end = resolve;
    });
  }

  /** operations other than the caller query */
  get actions() {
    return this.executed.filter((operation) => operation.document !== CallerDocument);
  }

  execute<R, V>(operation: Operation<R, V>): Promise<ExecutionResult<R>> {
    const recorded = operation as Operation<unknown, unknown>;
    this.executed.push(recorded);
    if (recorded.document === CallerDocument) {
      const me = { id: this.userId, username: "alice", nickname: "Alice" };
      return Promise.resolve({ data: { me } } as ExecutionResult<R>);
    }
    if (this.instant) return Promise.resolve({ data: {} } as ExecutionResult<R>);
    return new Promise((resolve) => this.#answers.push(() => resolve({ data: {} } as ExecutionResult<R>)));
  }

  /** resolves the oldest waiting operation */
  answer(): void {
    this.#answers.shift()?.();
  }

  subscribe<R, V>(
    operation: Operation<R, V>,
    onResult: (result: ExecutionResult<R>) => void,
    onEnd: () => void = () => {},
  ): () => void {
    const feed: Feed = {
      operation: operation as Operation<unknown, unknown>,
      onResult: onResult as (result: ExecutionResult<unknown>) => void,
      onEnd,
      ended: false,
    };
    this.feeds.push(feed);
    const ready = { [rootField(operation)]: { __typename: "StreamReadyEvent" } };
    queueMicrotask(() => onResult({ data: ready } as ExecutionResult<R>));
    return () => {
      feed.ended = true;
    };
  }

  close(): void {
    this.closedByBridge = true;
    this.#end({ code: 1000, reason: "" });
  }

  /** the API closes the socket */
  closeFromApi(code: number): void {
    this.#end({ code, reason: "" });
  }
}

/** The subscription's root field (`chatEvents`, `invitationEvents`, …): each feed's ready event names its own. */
function rootField({ document }: { document: DocumentNode }): string {
  const [definition] = document.definitions;
  const [field] = definition?.kind === Kind.OPERATION_DEFINITION ? definition.selectionSet.selections : [];
  if (field?.kind !== Kind.FIELD) throw new Error("a subscription selects one root field");
  return field.name.value;
}

export class RecordingLogger implements BridgeLogger {
  readonly lines: { level: string; message: string }[] = [];
  warn(_details: object, message: string) {
    this.lines.push({ level: "warn", message });
  }
  error(_details: object, message: string) {
    this.lines.push({ level: "error", message });
  }
}

export const options = (logger: BridgeLogger = new RecordingLogger()): SessionOptions => ({
  maxBufferedBytes: 1024,
  maxFrameLength: 64 * 1024,
  logger,
});

export type { Domain };
