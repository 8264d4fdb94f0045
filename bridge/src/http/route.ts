import type { ExecutionResult, Operation } from "../executor.ts";
import type { ApiError, HttpError } from "./errors.ts";

/**
 * One legacy HTTP endpoint (protocol §8): exact path, method, CSRF rule, and its translation. A domain exports
 * `routes: Route[]` from bridge/src/actions/<domain>.http.ts and lists them once in http/routes.ts.
 */
export type Route = PublicRoute | CallerRoute;

interface RouteBase {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** exact path with `:name` parameters, e.g. "/api/chats/:username" (no trailing slash, §1.1) */
  path: string;
  /** double-submit CSRF required (§1.3): every unsafe method except the exempt ones */
  csrf: boolean;
}

/** Runs without a caller (log in, sign up, refresh). */
export interface PublicRoute extends RouteBase {
  auth: false;
  handle(request: RouteRequest): Promise<RouteResponse>;
}

/**
 * Needs a logged-in caller: the router answers 401 before the handler runs (after CSRF, §1.3), and that check
 * is an operation, so the request counts as activity (§7) whatever the handler then answers.
 */
export interface CallerRoute extends RouteBase {
  auth: true;
  handle(request: RouteRequest & { caller: Caller }): Promise<RouteResponse>;
}

/** The logged-in user a request acts for. */
export interface Caller {
  id: string;
  username: string;
}

export interface RouteRequest {
  /** decoded path parameters */
  params: Record<string, string>;
  query: URLSearchParams;
  /** the request's cookies by name */
  cookies: Record<string, string | undefined>;
  /** the parsed JSON body (undefined without one); throws the 400 a malformed body gets */
  json(): unknown;
  /** runs an operation as this request's client (its cookies and address); Set-Cookie values are forwarded */
  run<R, V>(operation: Operation<R, V>): Promise<ExecutionResult<R>>;
  /**
   * Runs an operation and returns its data; a GraphQL error becomes the HttpError `errors.ts` maps it to, or the
   * one `rewrite` returns for it (a legacy text, a legacy status).
   */
  data<R, V>(operation: Operation<R, V>, rewrite?: (error: ApiError) => HttpError | undefined): Promise<R>;
}

export interface RouteResponse {
  status: number;
  /** JSON body; omitted for 204 */
  body?: unknown;
  /** extra Set-Cookie values, besides those the API set */
  setCookies?: string[];
  /** set a new script-readable `csrftoken` cookie (log-in, sign-up: protocol §1.2) */
  issueCsrfToken?: boolean;
}
