import { invalid, type ValidationItem } from "./errors.ts";

/**
 * A JSON body's string fields, as pydantic checks a django-ninja schema parameter named `param`: every field
 * missing or not a string is one item of the 422 list (`loc: ["body", param, field]`); no body at all is the
 * parameter missing. Extra keys are ignored.
 */
export function stringFields<const K extends string>(
  body: unknown,
  param: string,
  names: readonly K[],
): Record<K, string> {
  if (body === undefined) throw invalid([{ type: "missing", loc: ["body", param], msg: "Field required" }]);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalid([
      {
        type: "model_attributes_type",
        loc: ["body", param],
        msg: "Input should be a valid dictionary or object to extract fields from",
      },
    ]);
  }
  const problems: ValidationItem[] = [];
  const values: Partial<Record<K, string>> = {};
  for (const name of names) {
    const value: unknown = Reflect.get(body, name);
    const loc = ["body", param, name];
    if (value === undefined) problems.push({ type: "missing", loc, msg: "Field required" });
    else if (typeof value !== "string")
      problems.push({ type: "string_type", loc, msg: "Input should be a valid string" });
    else values[name] = value;
  }
  if (problems.length > 0) throw invalid(problems);
  return values as Record<K, string>;
}
