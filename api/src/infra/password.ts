import { hash, verify } from "@node-rs/argon2";

export const hashPassword = (password: string) => hash(password);

/** Verifies against a throwaway hash when the user is unknown, so timing does not reveal usernames. */
let dummyHash: Promise<string> | undefined;
export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  if (passwordHash) return verify(passwordHash, password);
  dummyHash ??= hash("parley-dummy-password-1");
  await verify(await dummyHash, password);
  return false;
}
