/** Images Parley verifies, strips and thumbnails itself; other types come only from MEDIA_EXTRA_TYPES. */
export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

export const isImageType = (type: string): type is ImageType => (IMAGE_TYPES as readonly string[]).includes(type);

/** Lower-cased, without parameters (`image/PNG; x=y` → `image/png`). */
export const normalizeType = (type: string) => (type.split(";")[0] ?? "").trim().toLowerCase();

export const MAX_FILENAME_LENGTH = 255;
export const MAX_CONTENT_TYPE_LENGTH = 127;

/** The last path segment, without control characters; empty names become "file". */
export function cleanFilename(name: string): string {
  const base = name.split(/[/\\]/).at(-1) ?? "";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const clean = base.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, "").trim();
  return clean === "" || clean === "." || clean === ".." ? "file" : clean;
}
