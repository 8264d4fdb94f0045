import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Drain, SHUTTING_DOWN } from "../infra/drain.ts";
import { type Logger, operationLogger, requestIdFrom, withLogger } from "../infra/logger.ts";
import type { Metrics } from "../infra/metrics.ts";
import { type Check, runChecks } from "./readiness.ts";

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

export interface OpsOptions {
  logger: Logger;
  drain: Drain;
  metrics: Metrics;
  checks: Record<string, Check>;
  /** METRICS_TOKEN: when set, GET /metrics needs `Authorization: Bearer <token>` */
  metricsToken: string | undefined;
}

/**
 * Wraps the app's HTTP handler: serves GET /health, /ready and /metrics; while stopping, answers everything
 * else 503; otherwise runs the request under its id (`x-request-id` if sane, else generated, echoed back) and
 * counts it as in flight until its response is done (an operation inside counts on its own, ops-plugin.ts).
 */
export function withOps(options: OpsOptions, next: Handler): Handler {
  const { drain, logger } = options;
  const routes: Record<string, Handler> = {
    "/health": (_, response) => json(response, 200, { status: "ok" }),
    "/ready": (_, response) => void ready(options, response),
    "/metrics": (request, response) => void metrics(options, request, response),
  };
  return (request, response) => {
    const route = request.method === "GET" ? routes[pathOf(request)] : undefined;
    if (route) return route(request, response);
    if (drain.stopping) {
      response.setHeader("connection", "close");
      return json(response, 503, { errors: [{ message: SHUTTING_DOWN, extensions: { code: "UNAVAILABLE" } }] });
    }
    // An event stream (SSE subscription) lasts as long as its client wants: the stop ends it instead of awaiting it.
    if (!request.headers.accept?.includes("text/event-stream")) response.once("close", drain.begin());
    const requestId = requestIdFrom(request.headers["x-request-id"]);
    response.setHeader("x-request-id", requestId);
    withLogger(operationLogger(logger, { requestId }), () => next(request, response));
  };
}

async function ready(options: OpsOptions, response: ServerResponse): Promise<void> {
  if (options.drain.stopping) return json(response, 503, { status: "stopping" });
  const checks = await runChecks(options.checks, options.logger);
  const ok = Object.values(checks).every((outcome) => outcome === "ok");
  json(response, ok ? 200 : 503, { status: ok ? "ready" : "unavailable", checks });
}

async function metrics(options: OpsOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (options.metricsToken && !bearerMatches(request.headers.authorization, options.metricsToken)) {
    response.setHeader("www-authenticate", "Bearer");
    return json(response, 401, { status: "unauthorized" });
  }
  const { registry } = options.metrics;
  const body = await registry.metrics();
  response.writeHead(200, { "content-type": registry.contentType }).end(body);
}

/** Compares digests, so the time taken says nothing about the token. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = header?.startsWith("Bearer ") ? header.slice(7) : "";
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(presented), digest(token));
}

const pathOf = (request: IncomingMessage) => (request.url ?? "/").split("?")[0] ?? "/";

function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response
    .writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) })
    .end(text);
}
