import { CombinedError } from "@urql/core";
import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { formErrors } from "./form-errors.ts";

const apiError = (message: string, extensions: Record<string, unknown>) => new GraphQLError(message, { extensions });
const fields = ["username", "email", "password"] as const;

describe("formErrors", () => {
  it("puts BAD_USER_INPUT and CONFLICT next to the field they name", () => {
    const error = new CombinedError({
      graphQLErrors: [
        apiError("Password must contain at least one digit.", { code: "BAD_USER_INPUT", field: "password" }),
        apiError("Username ada is already taken.", { code: "CONFLICT", field: "username" }),
      ],
    });
    expect(formErrors(error, fields)).toEqual({
      fields: { password: "Password must contain at least one digit.", username: "Username ada is already taken." },
    });
  });
  it("reads a nested path by its first segment", () => {
    const error = new CombinedError({
      graphQLErrors: [apiError("Email is not valid.", { code: "BAD_USER_INPUT", field: "email.0" })],
    });
    expect(formErrors(error, fields).fields.email).toBe("Email is not valid.");
  });
  it("keeps everything else for the form: wrong credentials, rate limits, unknown fields", () => {
    const error = new CombinedError({
      graphQLErrors: [
        apiError("Username or password are not correct.", { code: "UNAUTHENTICATED" }),
        apiError("Too many attempts. Try again in 30 s.", { code: "RATE_LIMITED", retryAfter: 30 }),
        apiError("Bad nickname.", { code: "BAD_USER_INPUT", field: "nickname" }),
      ],
    });
    expect(formErrors(error, fields)).toEqual({
      fields: {},
      form: "Username or password are not correct. Too many attempts. Try again in 30 s. Bad nickname.",
    });
  });
  it("says the server cannot be reached on a network error", () => {
    const error = new CombinedError({ networkError: new Error("Failed to fetch") });
    expect(formErrors(error, fields).form).toMatch(/cannot be reached/);
    expect(formErrors(undefined, fields)).toEqual({ fields: {} });
  });
});
