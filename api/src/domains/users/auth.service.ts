import { createHash } from "node:crypto";
import type { PrismaClient, User } from "@parley/db";
import { badInput, conflict, unauthenticated } from "../../graphql/errors.ts";
import { hashRefreshToken, type TokenService } from "../../infra/auth.ts";
import { isUniqueViolation } from "../../infra/db-errors.ts";
import { hashPassword, verifyPassword } from "../../infra/password.ts";
import type { RateLimits } from "../../infra/rate-limit.ts";
import { lookupKey, signUpSchema } from "./users.validation.ts";

export interface Session {
  user: User;
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
}

export interface SignUpInput {
  username: string;
  email: string;
  password: string;
}

/** Sign-up, log-in and rotating refresh tokens. A reused (rotated or revoked) refresh token is refused. */
export class AuthService {
  constructor(
    private readonly prisma: PrismaClient,
    readonly tokens: TokenService,
    private readonly limits: RateLimits,
  ) {}

  /** Rate-limited per client address before anything else. */
  async signUp(input: SignUpInput, clientIp: string): Promise<Session> {
    await this.limits.consume("signUp", clientIp);
    const parsed = signUpSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw badInput(issue?.message ?? "Invalid sign-up.", issue?.path.join("."));
    }
    const { username, email, password } = parsed.data;
    const usernameKey = lookupKey(username);
    const emailKey = email.toLowerCase();
    const taken = await this.prisma.user.findFirst({
      where: { OR: [{ usernameKey }, { email: emailKey }] },
      select: { usernameKey: true },
    });
    if (taken) {
      throw taken.usernameKey === usernameKey
        ? conflict(`Username ${username} is already taken.`)
        : conflict("An account with this email already exists.");
    }
    const passwordHash = await hashPassword(password);
    const user = await this.prisma.user
      .create({
        data: { username, usernameKey, email: emailKey, nickname: username, nicknameKey: usernameKey, passwordHash },
      })
      .catch((error: unknown) => {
        // lost a race with a concurrent sign-up of the same name
        if (isUniqueViolation(error)) throw conflict(`Username ${username} is already taken.`);
        throw error;
      });
    return this.startSession(user);
  }

  /**
   * `login` is a username (any case) or an email address. Failures are throttled per account and client address
   * (infra/rate-limit.ts); an unknown login counts as an account of its own, so throttling reveals no usernames.
   */
  async logIn(login: string, password: string, clientIp: string): Promise<Session> {
    const user = await this.prisma.user.findFirst({
      where: { OR: [{ usernameKey: lookupKey(login) }, { email: login.toLowerCase() }] },
    });
    const account = user?.id ?? `login:${createHash("sha256").update(lookupKey(login)).digest("base64url")}`;
    const verified = await this.limits.logIn(account, clientIp, () => verifyPassword(user?.passwordHash, password));
    if (!verified || !user) {
      throw unauthenticated("Username or password are not correct.");
    }
    return this.startSession(user);
  }

  async refresh(refreshToken: string | undefined): Promise<Session> {
    const stored = refreshToken
      ? await this.prisma.refreshToken.findUnique({ where: { tokenHash: hashRefreshToken(refreshToken) } })
      : null;
    if (!stored || stored.revokedAt || stored.expiresAt <= new Date()) {
      throw unauthenticated("Refresh token is invalid or has already been used.");
    }
    const next = this.tokens.newRefreshToken();
    // Conditional update: of two concurrent refreshes with one token, exactly one wins.
    const rotated = await this.prisma.$transaction(async (tx) => {
      const created = await tx.refreshToken.create({
        data: { userId: stored.userId, tokenHash: next.hash, expiresAt: next.expiresAt },
      });
      const { count } = await tx.refreshToken.updateMany({
        where: { id: stored.id, revokedAt: null },
        data: { revokedAt: new Date(), replacedBy: created.id },
      });
      if (count !== 1) throw unauthenticated("Refresh token is invalid or has already been used.");
      return created;
    });
    const user = await this.prisma.user.findUniqueOrThrow({ where: { id: rotated.userId } });
    return this.sessionFor(user, next);
  }

  /** Revokes the refresh token if it is the viewer's; the short-lived access token simply expires. */
  async logOut(userId: string, refreshToken: string | undefined): Promise<void> {
    if (!refreshToken) return;
    await this.prisma.refreshToken.updateMany({
      where: { tokenHash: hashRefreshToken(refreshToken), userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
  }

  private async startSession(user: User): Promise<Session> {
    const refresh = this.tokens.newRefreshToken();
    await this.prisma.refreshToken.create({
      data: { userId: user.id, tokenHash: refresh.hash, expiresAt: refresh.expiresAt },
    });
    return this.sessionFor(user, refresh);
  }

  private async sessionFor(user: User, refresh: { token: string; expiresAt: Date }): Promise<Session> {
    const access = await this.tokens.signAccess(user.id);
    return {
      user,
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: refresh.token,
      refreshTokenExpiresAt: refresh.expiresAt,
    };
  }
}
