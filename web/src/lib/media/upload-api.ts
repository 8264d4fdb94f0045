import type { Client, CombinedError } from "@urql/core";
import { CompleteUploadDocument, CreateUploadDocument } from "../graphql/generated/graphql.ts";
import { type UploadApi, UploadQueue, type UploadTicket } from "./uploads.ts";

/** The API's own message (e.g. "A file may have at most 10485760 bytes."), not urql's "[GraphQL] " prefix. */
export function apiMessage(error: CombinedError): string {
  const first = error.graphQLErrors[0];
  if (first) return first.message;
  return error.networkError ? "Could not reach the server; try again." : error.message;
}

/** Headers a page may not set itself: the browser computes them. */
const BROWSER_HEADERS = new Set(["content-length", "host", "connection", "accept-encoding"]);

/**
 * PUT the bytes with XMLHttpRequest, the one browser API that reports upload progress. A refusal's text is
 * the server's message (e.g. "At most 1234 bytes.").
 */
export function putWithProgress(
  ticket: UploadTicket,
  file: Blob,
  onProgress: (loaded: number, total: number) => void,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(ticket.method, ticket.url);
    for (const { name, value } of ticket.headers) {
      if (!BROWSER_HEADERS.has(name.toLowerCase())) xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve();
      else reject(new Error(xhr.responseText.trim() || `The upload was refused (HTTP ${xhr.status}).`));
    };
    xhr.onerror = () => reject(new Error("The upload failed: the connection was lost."));
    xhr.onabort = () => reject(new DOMException("The upload was cancelled.", "AbortError"));
    signal.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

/** The upload steps on the app's urql client. */
export function clientUploadApi(client: Client): UploadApi<File> {
  return {
    async createUpload(chatId, file) {
      const result = await client
        .mutation(CreateUploadDocument, {
          chatId,
          filename: file.name,
          contentType: file.type || "application/octet-stream",
          size: file.size,
        })
        .toPromise();
      if (result.error || !result.data) throw new Error(result.error ? apiMessage(result.error) : "No answer.");
      return result.data.createUpload;
    },
    put: putWithProgress,
    async completeUpload(uploadId) {
      const result = await client.mutation(CompleteUploadDocument, { uploadId }).toPromise();
      if (result.error || !result.data) throw new Error(result.error ? apiMessage(result.error) : "No answer.");
      return result.data.completeUpload;
    },
  };
}

let shared: { client: Client; queue: UploadQueue<File> } | undefined;

/** The app's one upload queue (per client), so every conversation keeps its tray while you switch. */
export function uploadQueue(client: Client): UploadQueue<File> {
  if (shared?.client !== client) shared = { client, queue: new UploadQueue(clientUploadApi(client)) };
  return shared.queue;
}
