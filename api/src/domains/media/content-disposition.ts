/**
 * `inline` or `attachment` with the filename in both forms of RFC 6266: an ASCII fallback (quotes, backslashes,
 * controls and non-ASCII replaced) and the exact UTF-8 name percent-encoded (RFC 8187), so no name can break out
 * of the header.
 */
export function contentDisposition(inline: boolean, filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${inline ? "inline" : "attachment"}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
