import type { HttpResult, Operation } from "../executor.ts";

/** One legacy HTTP endpoint (protocol §8): exact path, method, CSRF rule, and its translation. */
export interface Route {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** exact path with `:name` parameters, e.g. "/api/chats/:username" (no trailing slash, §1.1) */
  path: string;
  /** double-submit CSRF required (§1.3): every unsafe method except the exempt ones */
  csrf: boolean;
  handle(request: RouteRequest): Promise<RouteResponse>;
}

export interface RouteRequest {
  /** decoded path parameters */
  params: Record<string, string>;
  query: URLSearchParams;
  /** parsed JSON body (undefined without one) */
  body: unknown;
  /** runs an operation as this request's client (its cookies and address); Set-Cookie values are forwarded */
  run<R, V>(operation: Operation<R, V>): Promise<HttpResult<R>["result"]>;
}

export interface RouteResponse {
  status: number;
  /** JSON body; omitted for 204 */
  body?: unknown;
  /** extra Set-Cookie values (the `csrftoken` on log-in and sign-up, cookie deletions) */
  setCookies?: string[];
}
