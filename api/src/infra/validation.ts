import { z } from "zod";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id PostgreSQL can cast to uuid: anything else is "not found" without a query (a cast error would be a 500). */
export const isUuid = (value: string): boolean => UUID.test(value);

export interface TextBounds {
  /** code points, as PostgreSQL's varchar(n) counts them */
  min?: number;
  max: number;
  /** names and labels: no control character at all (a message may hold newlines and tabs) */
  noControls?: boolean;
}

/**
 * Text PostgreSQL can store: it holds neither NUL nor an unpaired surrogate, and one such value in a batched
 * statement would fail everyone else's rows with it. The one definition (every string argument, graphql/bounds.ts,
 * and the domain checks below); callers phrase their own refusal.
 */
export const isStorable = (text: string): boolean => !text.includes("\u0000") && !/\p{Cs}/u.test(text);

/** Storable text of `min` to `max` code points. */
export function storableText({ min = 1, max, noControls = false }: TextBounds) {
  return z
    .string()
    .refine((value) => {
      const length = [...value].length;
      return length >= min && length <= max;
    }, `must be ${min} to ${max} characters`)
    .refine(
      (value) => isStorable(value) && !(noControls && /\p{Cc}/u.test(value)),
      noControls
        ? "must not contain control or unpaired surrogate characters"
        : "must not contain NUL or unpaired surrogate characters",
    );
}

/** The first problem of `value` against `schema`, or undefined when it passes. */
export function textProblem(schema: z.ZodType<string>, value: string): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : (result.error.issues[0]?.message ?? "is not valid");
}
