import { fileTypeFromBuffer } from "file-type";
import sharp, { type Sharp } from "sharp";
import { type ImageType, isImageType } from "./media-types.ts";

/** The longest side of a thumbnail, pixels. */
export const THUMBNAIL_SIZE = 320;
export const THUMBNAIL_TYPE = "image/webp";
/** Larger images are refused before decoding (decompression bombs). */
const MAX_INPUT_PIXELS = 50_000_000;

export interface ProcessedFile {
  body: Buffer;
  contentType: string;
  width: number | null;
  height: number | null;
  thumbnail: Buffer | null;
}

export class MediaRefusal extends Error {}

/** The type the bytes really are (magic numbers), or undefined when they tell nothing. */
export async function sniffType(body: Buffer): Promise<string | undefined> {
  return (await fileTypeFromBuffer(body))?.mime;
}

/**
 * Checks that the bytes are what was declared; images are auto-rotated and re-encoded (no EXIF, GPS, ICC or
 * comments remain) and get a thumbnail. Throws MediaRefusal for bytes that are not the declared type.
 */
export async function processFile(body: Buffer, declaredType: string): Promise<ProcessedFile> {
  const sniffed = await sniffType(body);
  if (sniffed !== declaredType) {
    throw new MediaRefusal(
      sniffed ? `The file is ${sniffed}, not ${declaredType}.` : `The file's content is not ${declaredType}.`,
    );
  }
  if (!isImageType(declaredType))
    return { body, contentType: declaredType, width: null, height: null, thumbnail: null };
  return processImage(body, declaredType);
}

async function processImage(body: Buffer, type: ImageType): Promise<ProcessedFile> {
  const animated = type === "image/gif" || type === "image/webp";
  try {
    const input = sharp(body, { animated, limitInputPixels: MAX_INPUT_PIXELS });
    // .rotate() applies the EXIF orientation to the pixels; re-encoding then writes no metadata at all
    const { data, info } = await encode(input.rotate(), type).toBuffer({ resolveWithObject: true });
    const thumbnail = await sharp(data, { limitInputPixels: MAX_INPUT_PIXELS })
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: "inside", withoutEnlargement: true })
      .webp()
      .toBuffer();
    return { body: data, contentType: type, width: info.width, height: info.pageHeight ?? info.height, thumbnail };
  } catch (error) {
    throw new MediaRefusal(`The image cannot be read (${error instanceof Error ? error.message : "unknown error"}).`);
  }
}

function encode(image: Sharp, type: ImageType): Sharp {
  switch (type) {
    case "image/png":
      return image.png();
    case "image/jpeg":
      return image.jpeg({ quality: 90, mozjpeg: true });
    case "image/webp":
      return image.webp({ quality: 90 });
    case "image/gif":
      return image.gif();
  }
}
