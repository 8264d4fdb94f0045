// A legacy browser tab for the HTTP API: one cookie jar per user, the frontend's X-CSRFToken echo of `csrftoken`.
import { parse, parseSetCookie } from "cookie";

export interface LegacyResponse<T = any> {
  status: number;
  body: T;
  /** the raw Set-Cookie values of this response */
  setCookies: string[];
  headers: Headers;
}

export class LegacyHttp {
  readonly cookies = new Map<string, string>();

  constructor(readonly origin: string) {}

  /** `csrf: false` leaves X-CSRFToken out (the frontend always sends it on unsafe methods). */
  async request<T = any>(
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string; csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<LegacyResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    const csrf = this.cookies.get("csrftoken");
    if (csrf && options.csrf !== false && method !== "GET") headers["x-csrftoken"] = csrf;
    let body = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["content-type"] = "application/json";
    }
    const response = await fetch(`${this.origin}${path}`, { method, headers, body });
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) this.keep(line);
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : undefined,
      setCookies,
      headers: response.headers,
    };
  }

  get = <T = any>(path: string) => this.request<T>("GET", path);
  post = <T = any>(path: string, body?: unknown) => this.request<T>("POST", path, { body });
  put = <T = any>(path: string, body?: unknown) => this.request<T>("PUT", path, { body });
  delete = <T = any>(path: string) => this.request<T>("DELETE", path);

  /** A token of the client's own making, as a black-box client may use (protocol §1.3). */
  mintCsrfToken(): string {
    const token = "0123456789abcdefABCDEF0123456789";
    this.cookies.set("csrftoken", token);
    return token;
  }

  /** Logs in (or signs up first): the jar then holds access_token, refresh_token and csrftoken. */
  async signUp(username: string, password = "correct1horse") {
    const response = await this.post("/api/signup", {
      username,
      email: `${username.toLowerCase()}@example.com`,
      password,
      password_repeat: password,
    });
    if (response.status !== 201) throw new Error(`sign-up failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response;
  }

  private keep(line: string): void {
    const cookie = parseSetCookie(line);
    if (cookie.maxAge === 0 || !cookie.value) this.cookies.delete(cookie.name);
    else this.cookies.set(cookie.name, cookie.value);
  }
}

/** A Set-Cookie line's attributes, lower-cased, for assertions. */
export function cookieAttributes(line: string): { name: string; value: string; attributes: Set<string> } {
  const [pair = "", ...rest] = line.split(";").map((part) => part.trim());
  const [name = "", value = ""] = Object.entries(parse(pair))[0] ?? [];
  return { name, value, attributes: new Set(rest.map((part) => part.split("=")[0]!.toLowerCase())) };
}
