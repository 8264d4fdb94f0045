import { createHash } from "node:crypto";
import type { PrismaClient, User } from "@parley/db";
import { badInput, conflict, unauthenticated } from "../../graphql/errors.ts";
import { hashRefreshToken, type TokenService } from "../../infra/auth.ts";
import { isUniqueViolation } from "../../infra/db-errors.ts";
import { hashPassword, verifyPassword } from "../../infra/password.ts";
import type { RateLimits } from "../../infra/rate-limit.ts";
import type { Sessions } from "./sessions.ts";
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

/**
 * A rotated refresh token presented again within this window is refused without ending its session: two tabs
 * refreshing one cookie at once (the loser's next request carries the winner's new cookie). Later, a reuse
 * means the token was copied: the whole session (every token of its family) is revoked, as OAuth's security
 * BCP recommends for refresh token rotation.
 */
export const REFRESH_REUSE_GRACE_MS = 2_000;

const spent = () => unauthenticated("Refresh token is invalid or has already been used.");

/** Sign-up, log-in, sessions and their rotating refresh tokens. */
export class AuthService {
  constructor(
    private readonly prisma: PrismaClient,
    readonly tokens: TokenService,
    private readonly limits: RateLimits,
    private readonly sessions: Sessions,
  ) {}

  /**
   * Rate-limited per client address before anything else. Usernames and emails share one namespace
   * (login_names), so neither can squat the other's log-in.
   */
  async signUp(input: SignUpInput, clientIp: string): Promise<Session> {
    await this.limits.consume("signUp", clientIp);
    const parsed = signUpSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw badInput(issue?.message ?? "Invalid sign-up.", issue?.path.join("."));
    }
    const { username, email, password } = parsed.data;
    const usernameKey = lookupKey(username);
    await this.refuseTaken(email, username);
    const passwordHash = await hashPassword(password);
    const user = await this.prisma.user
      .create({
        data: {
          username,
          usernameKey,
          email,
          nickname: username,
          nicknameKey: usernameKey,
          passwordHash,
          loginNames: { create: [...new Set([email, usernameKey])].map((name) => ({ name })) },
        },
      })
      .catch(async (error: unknown) => {
        // lost a race with a concurrent sign-up: the winner has committed, so the check now names the field
        if (!isUniqueViolation(error)) throw error;
        await this.refuseTaken(email, username);
        throw conflict("This username or email was just taken.");
      });
    return this.startSession(user);
  }

  /**
   * `login` is a username (any case) or an email address. Failures are throttled per account and client address
   * (infra/rate-limit.ts); an unknown login counts as an account of its own, so throttling reveals no usernames.
   */
  async logIn(login: string, password: string, clientIp: string): Promise<Session> {
    const found = await this.prisma.loginName.findUnique({ where: { name: lookupKey(login) }, select: { user: true } });
    const user = found?.user;
    const account = user?.id ?? `login:${createHash("sha256").update(lookupKey(login)).digest("base64url")}`;
    const verified = await this.limits.logIn(account, clientIp, () => verifyPassword(user?.passwordHash, password));
    if (!verified || !user) {
      throw unauthenticated("Username or password are not correct.");
    }
    return this.startSession(user);
  }

  async refresh(refreshToken: string | undefined): Promise<Session> {
    const stored = refreshToken
      ? await this.prisma.refreshToken.findUnique({
          where: { tokenHash: hashRefreshToken(refreshToken) },
          include: { session: { select: { revokedAt: true } } },
        })
      : null;
    if (!stored || stored.session.revokedAt || stored.expiresAt <= new Date()) throw spent();
    if (stored.revokedAt) {
      if (Date.now() - stored.revokedAt.getTime() > REFRESH_REUSE_GRACE_MS) await this.endSession(stored.sessionId);
      throw spent();
    }
    const next = this.tokens.newRefreshToken();
    // Conditional update: of two concurrent refreshes with one token, exactly one wins.
    await this.prisma.$transaction(async (tx) => {
      const created = await tx.refreshToken.create({
        data: { userId: stored.userId, sessionId: stored.sessionId, tokenHash: next.hash, expiresAt: next.expiresAt },
      });
      const { count } = await tx.refreshToken.updateMany({
        where: { id: stored.id, revokedAt: null },
        data: { revokedAt: new Date(), replacedBy: created.id },
      });
      if (count !== 1) throw spent();
    });
    const user = await this.prisma.user.findUniqueOrThrow({ where: { id: stored.userId } });
    return this.sessionFor(user, stored.sessionId, next);
  }

  /**
   * Ends the viewer's session (its refresh tokens stop working, its sockets close) and the session of
   * `refreshToken` if that is another of the viewer's.
   */
  async logOut(viewer: { id: string; sessionId: string }, refreshToken: string | undefined): Promise<void> {
    const other = refreshToken
      ? await this.prisma.refreshToken.findUnique({
          where: { tokenHash: hashRefreshToken(refreshToken) },
          select: { sessionId: true, userId: true },
        })
      : null;
    const ids = new Set([viewer.sessionId]);
    if (other?.userId === viewer.id) ids.add(other.sessionId);
    for (const id of ids) await this.endSession(id);
  }

  private async endSession(sessionId: string): Promise<void> {
    await this.prisma.session.updateMany({
      where: { id: sessionId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    await this.sessions.ended(sessionId);
  }

  /** CONFLICT naming the field; the email first, so parallel sign-ups with one email hear about the email. */
  private async refuseTaken(email: string, username: string): Promise<void> {
    const taken = await this.prisma.loginName.findMany({
      where: { name: { in: [email, lookupKey(username)] } },
      select: { name: true },
    });
    if (taken.some(({ name }) => name === email)) {
      throw conflict("An account with this email already exists.", "email");
    }
    if (taken.length > 0) throw conflict(`Username ${username} is already taken.`, "username");
  }

  private async startSession(user: User): Promise<Session> {
    const refresh = this.tokens.newRefreshToken();
    const session = await this.prisma.session.create({
      data: {
        userId: user.id,
        refreshTokens: { create: { userId: user.id, tokenHash: refresh.hash, expiresAt: refresh.expiresAt } },
      },
      select: { id: true },
    });
    return this.sessionFor(user, session.id, refresh);
  }

  private async sessionFor(
    user: User,
    sessionId: string,
    refresh: { token: string; expiresAt: Date },
  ): Promise<Session> {
    const access = await this.tokens.signAccess(user.id, sessionId);
    return {
      user,
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: refresh.token,
      refreshTokenExpiresAt: refresh.expiresAt,
    };
  }
}
