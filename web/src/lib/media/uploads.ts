import { type Readable, writable } from "svelte/store";
import type { AttachmentFieldsFragment } from "../graphql/generated/graphql.ts";

/** What the API accepts per message (MAX_ATTACHMENTS in api/src/domains/media). */
export const MAX_ATTACHMENTS = 10;

/** Where to send the bytes, as createUpload returned it. */
export interface UploadTicket {
  uploadId: string;
  url: string;
  method: string;
  headers: { name: string; value: string }[];
}

/** The file as picked or dropped (a File is a Blob with a name). */
export interface PickedFile {
  readonly name: string;
  readonly size: number;
  readonly type: string;
}

/** The three steps, each rejecting with an Error whose message is the one to show (the API's own). */
export interface UploadApi<F extends PickedFile = PickedFile> {
  createUpload(chatId: string, file: F): Promise<UploadTicket>;
  /** PUTs the bytes; `onProgress(loaded, total)` as they go; rejects with an AbortError when `signal` aborts. */
  put(
    ticket: UploadTicket,
    file: F,
    onProgress: (loaded: number, total: number) => void,
    signal: AbortSignal,
  ): Promise<void>;
  completeUpload(uploadId: string): Promise<AttachmentFieldsFragment>;
}

/**
 * waiting → uploading (bytes going, `progress` 0…1) → processing (the server checks the file) → ready
 * (`attachment` set), or failed (`error`: the API's message).
 */
export type UploadStatus = "waiting" | "uploading" | "processing" | "ready" | "failed";

export interface UploadItem {
  /** Local key, unique within the queue. */
  key: string;
  name: string;
  size: number;
  status: UploadStatus;
  progress: number;
  error: string | null;
  attachment: AttachmentFieldsFragment | null;
}

export interface ChatUploads {
  items: UploadItem[];
  /** Uploads still under way (waiting, uploading or processing). */
  pending: number;
  /** Completed attachments, in the order picked: what the next message will carry. */
  ready: AttachmentFieldsFragment[];
}

/** One conversation's uploads, as the composer uses them. */
export interface ChatUploadStore extends Readable<ChatUploads> {
  add(files: Iterable<PickedFile>): void;
  /** Takes an item out (aborting its upload if under way). */
  remove(key: string): void;
  /** Starts a failed item again. */
  retry(key: string): void;
  /** The ready attachment ids for the message being sent; their items leave the tray. */
  take(): string[];
}

interface Entry<F extends PickedFile> {
  item: UploadItem;
  file: F;
  chatId: string;
  abort: AbortController;
}

const EMPTY: ChatUploads = { items: [], pending: 0, ready: [] };

/**
 * The upload queue of every conversation: picked or dropped files go createUpload → PUT (with progress) →
 * completeUpload, `concurrency` at a time, and wait in their conversation's tray until a message takes them.
 * Each conversation keeps its own tray, so switching chats keeps what was being attached to each.
 */
export class UploadQueue<F extends PickedFile = PickedFile> {
  private readonly entries = new Map<string, Entry<F>[]>();
  private readonly stores = new Map<string, ReturnType<typeof writable<ChatUploads>>>();
  private readonly queue: Entry<F>[] = [];
  private running = 0;
  private nextKey = 0;

  constructor(
    private readonly api: UploadApi<F>,
    private readonly concurrency = 2,
  ) {}

  /** The store of one conversation's uploads (the same one each time). */
  attachmentsFor(chatId: string): ChatUploadStore {
    const store = this.storeOf(chatId);
    return {
      subscribe: store.subscribe,
      add: (files) => this.add(chatId, files as Iterable<F>),
      remove: (key) => this.remove(chatId, key),
      retry: (key) => this.retry(chatId, key),
      take: () => this.take(chatId),
    };
  }

  add(chatId: string, files: Iterable<F>): void {
    const list = this.listOf(chatId);
    for (const file of files) {
      const entry: Entry<F> = {
        file,
        chatId,
        abort: new AbortController(),
        item: {
          key: `upload-${++this.nextKey}`,
          name: file.name,
          size: file.size,
          status: "waiting",
          progress: 0,
          error: null,
          attachment: null,
        },
      };
      list.push(entry);
      const kept = list.filter((other) => other.item.status !== "failed").length;
      if (kept > MAX_ATTACHMENTS) {
        entry.item.status = "failed";
        entry.item.error = `At most ${MAX_ATTACHMENTS} attachments per message.`;
      } else {
        this.queue.push(entry);
      }
    }
    this.publish(chatId);
    this.pump();
  }

  remove(chatId: string, key: string): void {
    const list = this.listOf(chatId);
    const index = list.findIndex((entry) => entry.item.key === key);
    if (index < 0) return;
    const [entry] = list.splice(index, 1);
    entry?.abort.abort();
    const queued = this.queue.findIndex((other) => other.item.key === key);
    if (queued >= 0) this.queue.splice(queued, 1);
    this.publish(chatId);
  }

  retry(chatId: string, key: string): void {
    const entry = this.listOf(chatId).find((other) => other.item.key === key);
    if (entry?.item.status !== "failed") return;
    const kept = this.listOf(chatId).filter((other) => other.item.status !== "failed").length;
    if (kept >= MAX_ATTACHMENTS) return;
    entry.abort = new AbortController();
    entry.item = { ...entry.item, status: "waiting", progress: 0, error: null };
    this.queue.push(entry);
    this.publish(chatId);
    this.pump();
  }

  take(chatId: string): string[] {
    const list = this.listOf(chatId);
    const ready = list.filter((entry) => entry.item.status === "ready");
    if (ready.length === 0) return [];
    this.entries.set(
      chatId,
      list.filter((entry) => entry.item.status !== "ready"),
    );
    this.publish(chatId);
    return ready.flatMap((entry) => (entry.item.attachment ? [entry.item.attachment.id] : []));
  }

  private pump(): void {
    while (this.running < this.concurrency) {
      const entry = this.queue.shift();
      if (!entry) return;
      this.running++;
      void this.run(entry).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async run(entry: Entry<F>): Promise<void> {
    const { signal } = entry.abort;
    const update = (patch: Partial<UploadItem>) => {
      if (signal.aborted) return;
      entry.item = { ...entry.item, ...patch };
      this.publish(entry.chatId);
    };
    try {
      update({ status: "uploading", progress: 0 });
      const ticket = await this.api.createUpload(entry.chatId, entry.file);
      if (signal.aborted) return;
      await this.api.put(
        ticket,
        entry.file,
        (loaded, total) => update({ progress: total > 0 ? Math.min(1, loaded / total) : 0 }),
        signal,
      );
      update({ status: "processing", progress: 1 });
      const attachment = await this.api.completeUpload(ticket.uploadId);
      update({ status: "ready", attachment });
    } catch (error) {
      update({ status: "failed", error: messageOf(error) });
    }
  }

  private listOf(chatId: string): Entry<F>[] {
    let list = this.entries.get(chatId);
    if (!list) {
      list = [];
      this.entries.set(chatId, list);
    }
    return list;
  }

  private storeOf(chatId: string) {
    let store = this.stores.get(chatId);
    if (!store) {
      store = writable(this.snapshot(chatId));
      this.stores.set(chatId, store);
    }
    return store;
  }

  private snapshot(chatId: string): ChatUploads {
    const list = this.entries.get(chatId);
    if (!list || list.length === 0) return EMPTY;
    const items = list.map((entry) => entry.item);
    return {
      items,
      pending: items.filter(
        (item) => item.status === "waiting" || item.status === "uploading" || item.status === "processing",
      ).length,
      ready: items.flatMap((item) => (item.status === "ready" && item.attachment ? [item.attachment] : [])),
    };
  }

  private publish(chatId: string): void {
    this.storeOf(chatId).set(this.snapshot(chatId));
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return "The upload failed.";
}

/** A size as people read it: 12 B, 3.4 KB, 1.2 MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}
