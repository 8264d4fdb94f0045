import { builder } from "./builder.ts";
import { badInput } from "./errors.ts";

export interface OffsetArgs {
  first?: number | null;
  offset?: number | null;
}

export interface PageWindow {
  skip: number;
  take: number;
}

export const MAX_PAGE_SIZE = 100;

/** Validates `first`/`offset` page arguments (first 1..100, offset ≥ 0). */
export function pageWindow(args: OffsetArgs, defaultSize: number): PageWindow {
  const take = args.first ?? defaultSize;
  const skip = args.offset ?? 0;
  if (!Number.isInteger(take) || take < 1 || take > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}.`, "first");
  }
  if (!Number.isInteger(skip) || skip < 0) throw badInput("offset must be 0 or more.", "offset");
  return { skip, take };
}

/** `first` (page size) and `offset`, shared by every offset-paginated list. */
export const pageArgs = builder.args((t) => ({
  first: t.int({ required: false, description: `Page size, 1 to ${MAX_PAGE_SIZE}.` }),
  offset: t.int({ required: false, defaultValue: 0 }),
}));
