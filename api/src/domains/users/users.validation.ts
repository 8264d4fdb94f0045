import { z } from "zod";

/** Unicode word characters plus @ . + - (the legacy username alphabet). */
export const usernameSchema = z
  .string()
  .min(1, "Username is required.")
  .max(50, "Username must be at most 50 characters.")
  .regex(/^[\p{L}\p{N}_@.+-]+$/u, "Username may contain only letters, digits and @ . + - _");

export const passwordRules = (username: string) =>
  z
    .string()
    .min(8, "Password must be at least 8 characters.")
    .max(128, "Password must be at most 128 characters.")
    .regex(/\p{L}/u, "Password must contain at least one letter.")
    .regex(/\p{N}/u, "Password must contain at least one digit.")
    .refine(
      (password) => !username || !password.toLowerCase().includes(username.toLowerCase()),
      "Password must not contain the username.",
    );

export const signUpSchema = z
  .object({
    username: usernameSchema,
    email: z.email("Email is not valid.").max(254),
    password: z.string(),
  })
  .superRefine((input, ctx) => {
    const result = passwordRules(input.username).safeParse(input.password);
    for (const issue of result.error?.issues ?? []) {
      ctx.addIssue({ code: "custom", path: ["password"], message: issue.message });
    }
  });

/** Shown beside messages: 1 to 50 characters after trimming, no control characters. */
export const nicknameSchema = z
  .string()
  .trim()
  .min(1, "Nickname is required.")
  .max(50, "Nickname must be at most 50 characters.")
  .refine((nickname) => !/\p{Cc}/u.test(nickname), "Nickname must not contain control characters.");

/** Case-insensitive lookup key for usernames and nicknames. */
export const lookupKey = (value: string) => value.toLowerCase();
