import { z } from "zod";

/** Column limits (prisma/schema.prisma): usernames, nicknames and their lookup keys are VARCHAR(50). */
export const USERNAME_MAX = 50;
export const NICKNAME_MAX = 50;
export const EMAIL_MAX = 254;
export const PASSWORD_MAX = 128;
/** `logIn(login:)` takes a username or an email. */
export const LOGIN_MAX = EMAIL_MAX;

/**
 * Characters that render as nothing or reorder the text around them: controls and format characters
 * (bidirectional overrides, zero-width spaces and joiners), surrogates, private use, line and paragraph
 * separators, and the letters and symbols that draw blank (Hangul fillers, the braille blank).
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}\u115F\u1160\u3164\uFFA0\u2800]/u;

/** Case-insensitive lookup key of usernames, nicknames and log-in names (emails are ASCII, so unchanged). */
export const lookupKey = (value: string) => value.normalize("NFKC").toLowerCase();

/** NFKC-normalised; its lookup key must fit the column too ("İ" lower-cases to two characters). */
const displayName = (label: string, max: number) =>
  z
    .string()
    .normalize("NFKC")
    .min(1, `${label} is required.`)
    .max(max, `${label} must be at most ${max} characters.`)
    .refine((value) => !INVISIBLE.test(value), `${label} must not contain invisible or direction control characters.`)
    .refine((value) => lookupKey(value).length <= max, `${label} must be at most ${max} characters once lower-cased.`);

/** Unicode letters and digits plus @ . + - _ (the legacy username alphabet), NFKC-normalised. */
export const usernameSchema = displayName("Username", USERNAME_MAX).regex(
  /^[\p{L}\p{N}_@.+-]+$/u,
  "Username may contain only letters, digits and @ . + - _",
);

export const passwordRules = (username: string) =>
  z
    .string()
    .min(8, "Password must be at least 8 characters.")
    .max(PASSWORD_MAX, `Password must be at most ${PASSWORD_MAX} characters.`)
    .regex(/\p{L}/u, "Password must contain at least one letter.")
    .regex(/\p{N}/u, "Password must contain at least one digit.")
    .refine(
      (password) => !username || !password.toLowerCase().includes(username.toLowerCase()),
      "Password must not contain the username.",
    );

export const signUpSchema = z
  .object({
    username: usernameSchema,
    email: z.email("Email is not valid.").max(EMAIL_MAX).toLowerCase(),
    password: z.string(),
  })
  .superRefine((input, ctx) => {
    const result = passwordRules(input.username).safeParse(input.password);
    for (const issue of result.error?.issues ?? []) {
      ctx.addIssue({ code: "custom", path: ["password"], message: issue.message });
    }
  });

/** Shown beside messages: 1 to 50 visible characters after trimming, NFKC-normalised. */
export const nicknameSchema = z.string().trim().pipe(displayName("Nickname", NICKNAME_MAX));
