import { get } from "svelte/store";
import { describe, expect, it } from "vitest";
import type { AttachmentFieldsFragment } from "../graphql/generated/graphql.ts";
import { formatBytes, MAX_ATTACHMENTS, type PickedFile, type UploadApi, UploadQueue } from "./uploads.ts";

const file = (name: string, size = 100, type = "image/png"): PickedFile => ({ name, size, type });
const attachment = (id: string, filename: string): AttachmentFieldsFragment => ({
  id,
  filename,
  contentType: "image/png",
  size: 100,
  width: 10,
  height: 10,
  url: `/media/file/${id}`,
  thumbnailUrl: `/media/thumb/${id}`,
});

/** A fake API whose every step waits until the test lets it go on. */
function controlledApi() {
  const steps: { kind: string; name: string; resolve: () => void; reject: (error: Error) => void }[] = [];
  const progress = new Map<string, (loaded: number, total: number) => void>();
  const aborted: string[] = [];
  const wait = (kind: string, name: string) =>
    new Promise<void>((resolve, reject) => steps.push({ kind, name, resolve, reject }));
  const api: UploadApi = {
    async createUpload(_chatId, picked) {
      await wait("create", picked.name);
      return { uploadId: `u-${picked.name}`, url: `/media/upload/${picked.name}`, method: "PUT", headers: [] };
    },
    async put(_ticket, picked, onProgress, signal) {
      progress.set(picked.name, onProgress);
      signal.addEventListener("abort", () => aborted.push(picked.name));
      await wait("put", picked.name);
    },
    async completeUpload(uploadId) {
      const name = uploadId.slice(2);
      await wait("complete", name);
      return attachment(`a-${name}`, name);
    },
  };
  /** Settles the first waiting step of this kind and name, then lets the queue move on. */
  const step = async (kind: string, name: string, error?: Error) => {
    await flush();
    const index = steps.findIndex((s) => s.kind === kind && s.name === name);
    if (index < 0) throw new Error(`no ${kind} of ${name} waiting (${steps.map((s) => `${s.kind}:${s.name}`)})`);
    const [found] = steps.splice(index, 1);
    if (error) found?.reject(error);
    else found?.resolve();
    await flush();
  };
  return { api, step, progress, aborted, waiting: () => steps.map((s) => `${s.kind}:${s.name}`) };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("UploadQueue", () => {
  it("goes create → put with progress → complete → ready, and take() hands over the ids once", async () => {
    const fake = controlledApi();
    const uploads = new UploadQueue(fake.api).attachmentsFor("chat-1");
    uploads.add([file("cat.png")]);
    expect(get(uploads).items.map((item) => item.status)).toEqual(["uploading"]);
    expect(get(uploads).pending).toBe(1);
    await fake.step("create", "cat.png");
    fake.progress.get("cat.png")?.(25, 100);
    expect(get(uploads).items[0]?.progress).toBe(0.25);
    await fake.step("put", "cat.png");
    expect(get(uploads).items[0]?.status).toBe("processing");
    await fake.step("complete", "cat.png");
    const state = get(uploads);
    expect(state.items[0]?.status).toBe("ready");
    expect(state.pending).toBe(0);
    expect(state.ready.map((a) => a.id)).toEqual(["a-cat.png"]);
    expect(uploads.take()).toEqual(["a-cat.png"]);
    expect(get(uploads).items).toEqual([]);
    expect(uploads.take()).toEqual([]);
  });

  it("shows the API's message on the file it refused, and keeps the others going", async () => {
    const fake = controlledApi();
    const uploads = new UploadQueue(fake.api).attachmentsFor("chat-1");
    uploads.add([file("big.png"), file("ok.png")]);
    await fake.step("create", "big.png", new Error("A file may have at most 10485760 bytes."));
    await fake.step("create", "ok.png");
    await fake.step("put", "ok.png");
    await fake.step("complete", "ok.png");
    const [big, ok] = get(uploads).items;
    expect(big).toMatchObject({ status: "failed", error: "A file may have at most 10485760 bytes." });
    expect(ok?.status).toBe("ready");
    expect(uploads.take()).toEqual(["a-ok.png"]);
    expect(get(uploads).items.map((item) => item.name)).toEqual(["big.png"]);
  });

  it("retries a failed file from the start", async () => {
    const fake = controlledApi();
    const uploads = new UploadQueue(fake.api).attachmentsFor("c");
    uploads.add([file("x.png")]);
    await fake.step("create", "x.png");
    await fake.step("put", "x.png", new Error("The upload failed: the connection was lost."));
    const key = get(uploads).items[0]?.key ?? "";
    expect(get(uploads).items[0]?.error).toBe("The upload failed: the connection was lost.");
    uploads.retry(key);
    await fake.step("create", "x.png");
    await fake.step("put", "x.png");
    await fake.step("complete", "x.png");
    expect(get(uploads).ready.map((a) => a.id)).toEqual(["a-x.png"]);
  });

  it("removing an upload under way aborts it and it never comes back", async () => {
    const fake = controlledApi();
    const uploads = new UploadQueue(fake.api).attachmentsFor("c");
    uploads.add([file("gone.png")]);
    await fake.step("create", "gone.png");
    const key = get(uploads).items[0]?.key ?? "";
    uploads.remove(key);
    expect(fake.aborted).toEqual(["gone.png"]);
    expect(get(uploads).items).toEqual([]);
    await fake.step("put", "gone.png", new DOMException("cancelled", "AbortError"));
    expect(get(uploads).items).toEqual([]);
    expect(uploads.take()).toEqual([]);
  });

  it("keeps each conversation's tray apart and runs two uploads at a time", async () => {
    const fake = controlledApi();
    const queue = new UploadQueue(fake.api, 2);
    const one = queue.attachmentsFor("one");
    const two = queue.attachmentsFor("two");
    one.add([file("a.png"), file("b.png")]);
    two.add([file("c.png")]);
    await flush();
    expect(fake.waiting()).toEqual(["create:a.png", "create:b.png"]);
    expect(get(two).items[0]?.status).toBe("waiting");
    await fake.step("create", "a.png");
    await fake.step("put", "a.png");
    await fake.step("complete", "a.png");
    expect(fake.waiting()).toContain("create:c.png");
    expect(get(one).ready.map((a) => a.id)).toEqual(["a-a.png"]);
    expect(get(two).ready).toEqual([]);
    expect(two.take()).toEqual([]);
    expect(queue.attachmentsFor("one").take()).toEqual(["a-a.png"]);
  });

  it(`refuses more than ${MAX_ATTACHMENTS} files per message, on the extra ones`, async () => {
    const fake = controlledApi();
    const uploads = new UploadQueue(fake.api).attachmentsFor("c");
    uploads.add(Array.from({ length: MAX_ATTACHMENTS + 1 }, (_, i) => file(`f${i}.png`)));
    const items = get(uploads).items;
    expect(items.filter((item) => item.status === "failed").map((item) => item.name)).toEqual([
      `f${MAX_ATTACHMENTS}.png`,
    ]);
    expect(items.at(-1)?.error).toBe(`At most ${MAX_ATTACHMENTS} attachments per message.`);
  });
});

it("formats sizes", () => {
  expect(formatBytes(12)).toBe("12 B");
  expect(formatBytes(3500)).toBe("3.4 KB");
  expect(formatBytes(10 * 1024 * 1024)).toBe("10 MB");
});
