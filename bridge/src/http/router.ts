import type { IncomingMessage, ServerResponse } from "node:http";
import { parse } from "cookie";
import { type ExecutionResult, type Executor, type HttpOrigin, httpOrigin, type Operation } from "../executor.ts";
import { CallerDocument } from "../operations/generated/graphql.ts";
import { readBody } from "./body.ts";
import { csrfCookie, csrfPasses, csrfRefusal } from "./csrf.ts";
import { type ApiError, fail, fromApiError, HttpError } from "./errors.ts";
import { routeTable } from "./match.ts";
import type { Caller, Route, RouteRequest, RouteResponse } from "./route.ts";

export interface LegacyHttpOptions {
  executor: Executor;
  routes: readonly Route[];
  /** the API's request body limit (MAX_REQUEST_BYTES) */
  maxBodyBytes: number;
  /** Secure attribute of the cookies the bridge sets itself (`csrftoken`) */
  cookieSecure: boolean;
  /** where an unexpected failure is reported (its answer is a plain 500) */
  onError(error: unknown): void;
}

/** A `(request, response)` handler that takes `/api` and everything under it, and leaves every other path. */
export type LegacyHttpHandler = (request: IncomingMessage, response: ServerResponse) => boolean;

/** Unknown endpoints (the legacy product's game stats, MFA, OAuth, password reset, …): JSON, never HTML. */
const NOT_FOUND = "Not Found";

/**
 * The legacy HTTP API (protocol §1.3, §8) over the GraphQL API. Per request, in django-ninja's order: the body
 * is read (bounded), the CSRF check, authentication (one operation, so every authenticated request is activity),
 * then the route's handler. Every answer is JSON.
 */
export function legacyHttp(options: LegacyHttpOptions): LegacyHttpHandler {
  const match = routeTable(options.routes);
  return (request, response) => {
    const [path = "", search = ""] = splitUrl(request.url ?? "");
    if (path !== "/api" && !path.startsWith("/api/")) return false;
    serve(request, path, new URLSearchParams(search))
      .catch((error: unknown) => {
        if (error instanceof HttpError) return error;
        options.onError(error);
        return fail(500, "Internal server error.");
      })
      .then((answer) => write(response, answer));
    return true;
  };

  async function serve(request: IncomingMessage, path: string, query: URLSearchParams): Promise<Answer> {
    const method = request.method ?? "GET";
    const body = await readBody(request, options.maxBodyBytes);
    const from = httpOrigin(request);
    const client = new ClientRequest(options.executor, from);
    const found = match(method, path);
    if (!found.found) {
      // the caller's activity counts (§7) whatever the path
      if (from.cookie?.includes("access_token=")) await client.run({ document: CallerDocument, variables: {} });
      if (found.allowed.length === 0) throw fail(404, NOT_FOUND);
      throw fail(405, "Method not allowed.", { allow: found.allowed.join(", ") });
    }
    const { route, params } = found;
    if (route.csrf && !csrfPasses(from.cookie, header(request, "x-csrftoken"))) throw csrfRefusal();
    const base: RouteRequest = {
      params,
      query,
      cookies: from.cookie ? parse(from.cookie) : {},
      json: () => body.json(),
      run: (operation) => client.run(operation),
      data: (operation, rewrite) => client.data(operation, rewrite),
    };
    let result: RouteResponse;
    if (route.auth) {
      const { me } = await client.data({ document: CallerDocument, variables: {} });
      const caller: Caller = { id: me.id, username: me.username };
      result = await route.handle({ ...base, caller });
    } else {
      result = await route.handle(base);
    }
    return {
      status: result.status,
      body: result.body,
      headers: {},
      setCookies: [
        ...client.setCookies,
        ...(result.setCookies ?? []),
        ...(result.issueCsrfToken ? [csrfCookie(options.cookieSecure)] : []),
      ],
    };
  }
}

interface Answer {
  status: number;
  body?: unknown;
  headers: Record<string, string>;
  setCookies?: string[];
}

/** The operations of one legacy request, with the cookies the API set along the way. */
class ClientRequest {
  readonly setCookies: string[] = [];

  constructor(
    private readonly executor: Executor,
    private readonly from: HttpOrigin,
  ) {}

  async run<R, V>(operation: Operation<R, V>): Promise<ExecutionResult<R>> {
    const { result, setCookies } = await this.executor.request(operation, this.from);
    this.setCookies.push(...setCookies);
    return result;
  }

  async data<R, V>(operation: Operation<R, V>, rewrite?: (error: ApiError) => HttpError | undefined): Promise<R> {
    const result = await this.run(operation);
    const error = result.errors?.[0];
    if (error) throw rewrite?.(error) ?? fromApiError(error);
    if (!result.data) throw new Error("the API answered neither data nor errors");
    return result.data;
  }
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

function splitUrl(url: string): [string, string] {
  const at = url.indexOf("?");
  return at < 0 ? [url, ""] : [url.slice(0, at), url.slice(at + 1)];
}

function write(response: ServerResponse, answer: Answer | HttpError): void {
  if (response.headersSent) return;
  const { status, body, headers } = answer;
  const setCookies = answer instanceof HttpError ? [] : (answer.setCookies ?? []);
  const head: Record<string, string | string[]> = { ...headers, "cache-control": "no-store" };
  if (setCookies.length > 0) head["set-cookie"] = setCookies;
  if (status === 204 || body === undefined) {
    response.writeHead(status, head).end();
    return;
  }
  response.writeHead(status, { ...head, "content-type": "application/json" }).end(JSON.stringify(body));
}
