import type { CombinedError } from "@urql/core";

/** What a form shows: a message next to each field the API named, and one for the form itself. */
export interface FormErrors<Field extends string> {
  fields: Partial<Record<Field, string>>;
  form?: string;
}

/** Codes whose `extensions.field` names the input at fault (BAD_USER_INPUT, or CONFLICT: "already taken"). */
const FIELD_CODES = new Set(["BAD_USER_INPUT", "CONFLICT"]);

/**
 * Sorts the API's errors onto a form's fields: BAD_USER_INPUT and CONFLICT that name one of `fields`
 * (`extensions.field`, or its first segment as in "password.0") go next to it; anything else (wrong
 * credentials, rate limits, which already say when to retry, an outage, no connection) is the form's own error.
 */
export function formErrors<Field extends string>(
  error: CombinedError | undefined,
  fields: readonly Field[],
): FormErrors<Field> {
  const result: FormErrors<Field> = { fields: {} };
  if (!error) return result;
  const formMessages: string[] = [];
  for (const one of error.graphQLErrors) {
    const code = one.extensions.code;
    const named = one.extensions.field;
    const field = typeof named === "string" ? fields.find((f) => f === named.split(".")[0]) : undefined;
    if (typeof code === "string" && FIELD_CODES.has(code) && field) {
      result.fields[field] ??= one.message;
    } else {
      formMessages.push(one.message);
    }
  }
  if (error.networkError && error.graphQLErrors.length === 0) {
    formMessages.push("Parley cannot be reached. Check your connection and try again.");
  }
  if (formMessages.length > 0) result.form = [...new Set(formMessages)].join(" ");
  return result;
}
