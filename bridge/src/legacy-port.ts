import type { WebSocket } from "ws";
import type { LegacySocketPort } from "./session.ts";

/**
 * A legacy socket's port, made before the upgrade is accepted: the session starts its feeds first (so the
 * client's `open` means they are live), and what it sends or closes meanwhile takes effect at `attach`.
 */
export class LegacyPort implements LegacySocketPort {
  #ws: WebSocket | undefined;
  #early: string[] = [];
  #closing: { code: number; reason: string } | undefined;
  #listener: (text: string, binary: boolean) => void = () => {};

  get bufferedAmount(): number {
    return this.#ws?.bufferedAmount ?? 0;
  }

  /** closed by the session before it was attached */
  get closedEarly(): boolean {
    return this.#closing !== undefined;
  }

  send(text: string): void {
    if (this.#ws) this.#ws.send(text);
    else this.#early.push(text);
  }

  close(code: number, reason: string): void {
    if (this.#ws) this.#ws.close(code, reason);
    else this.#closing ??= { code, reason };
  }

  onMessage(listener: (text: string, binary: boolean) => void): void {
    this.#listener = listener;
  }

  attach(ws: WebSocket): void {
    this.#ws = ws;
    ws.on("message", (data, isBinary) => this.#listener(isBinary ? "" : data.toString(), isBinary));
    for (const text of this.#early) ws.send(text);
    this.#early = [];
    if (this.#closing) ws.close(this.#closing.code, this.#closing.reason);
  }
}
