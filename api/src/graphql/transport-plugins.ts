import { GraphQLError } from "graphql";
import { createGraphQLError, isAsyncIterable, type Plugin, Repeater } from "graphql-yoga";
import type { OriginPolicy } from "../infra/origin-policy.ts";
import type { Context } from "./context.ts";
import { unauthenticated } from "./errors.ts";
import type { WsInitialContext } from "./yoga.ts";

/** CSRF and cross-origin reads: a request the origin policy refuses ends with 403 before it is parsed. */
export function originGuard(policy: OriginPolicy): Plugin {
  return {
    // CORS headers depend on the Origin: a shared cache must not serve one origin's answer to another
    onResponse({ response }) {
      response.headers.append("vary", "Origin");
    },
    onRequest({ request, endResponse, fetchAPI }) {
      if (!policy.refusesRequest(request.method, request.headers)) return;
      const message = "This origin may not use the session cookie: send an Authorization header instead.";
      endResponse(
        fetchAPI.Response.json({ errors: [{ message, extensions: { code: "FORBIDDEN" } }] }, { status: 403 }),
      );
    },
  };
}

/**
 * Whatever request parser yoga picked (GET, JSON, form, multipart): malformed `variables` or `extensions` are a
 * 400, and the parser's own message (with a snippet of the input) is not passed on.
 */
export const requestParseErrors: Plugin = {
  onRequestParse({ requestParser, setRequestParser }) {
    if (!requestParser) return;
    setRequestParser(async (request) => {
      try {
        return await requestParser(request);
      } catch (error) {
        throw malformedRequest(error);
      }
    });
  },
};

function malformedRequest(error: unknown): GraphQLError {
  const known = error instanceof GraphQLError;
  const message = known ? error.message : "The request's parameters are not valid JSON.";
  const status = known ? (error.extensions.http as { status?: number } | undefined)?.status : undefined;
  // 400 whatever the client accepts (the GraphQL-over-HTTP spec: SHOULD for a body that is not JSON)
  return createGraphQLError(message, { extensions: { code: "BAD_USER_INPUT", http: { status: status ?? 400 } } });
}

/** A body announced larger than the limit is refused before it is read (yoga also counts a chunked one). */
export function bodyLimit(maxBytes: number): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      if (Number(request.headers.get("content-length")) <= maxBytes) return;
      const message = `The request body is larger than ${maxBytes} bytes.`;
      endResponse(
        // `connection: close`: the rest of the body is never read, not even to be discarded
        fetchAPI.Response.json(
          { errors: [{ message, extensions: { code: "BAD_USER_INPUT" } }] },
          { status: 413, headers: { connection: "close" } },
        ),
      );
    },
  };
}

/**
 * HTTP (SSE) subscriptions end at their token's expiry. graphql-ws closes the whole socket with 4403 instead: its
 * client then resubscribes with a fresh token, which it would not do for an operation ended by an error.
 */
export const sessionExpiry: Plugin<Context & Partial<WsInitialContext>> = {
  onSubscribe() {
    return {
      onSubscribeResult({ args, result, setResult }) {
        const exp = args.contextValue.viewer?.tokenExp;
        if (args.contextValue.transport === "ws" || exp === undefined || !isAsyncIterable(result)) return;
        setResult(until(result, exp * 1000));
      },
    };
  },
};

/** `stream` until `deadline` (epoch ms), then one UNAUTHENTICATED error; either end clears the timer. */
function until<T>(stream: AsyncIterable<T>, deadline: number) {
  const expiry = new Repeater<never>(async (_push, stop) => {
    const timer = setTimeout(() => stop(unauthenticated("Your session has expired.")), deadline - Date.now());
    await stop;
    clearTimeout(timer);
  });
  return Repeater.race([stream, expiry]);
}

/** Messages of at most this many characters pass as they are (graphql-js quotes a whole invalid value, twice). */
const MAX_MESSAGE = 500;
/** A quoted value longer than this in a long message is shortened to its start and its length. */
const MAX_QUOTED = 40;

/** An error whose message echoes a huge input (a 1 MB string as an Int variable) keeps its start only. */
export function boundedMessage<E extends Error>(error: E): E | GraphQLError {
  if (!(error instanceof GraphQLError) || error.message.length <= MAX_MESSAGE) return error;
  const shortened = error.message
    .replace(/"(?:[^"\\]|\\.)*"/g, (quoted) =>
      quoted.length > MAX_QUOTED + 2
        ? `${quoted.slice(0, MAX_QUOTED + 1)}…" (${quoted.length - 2} characters)`
        : quoted,
    )
    .slice(0, MAX_MESSAGE);
  return new GraphQLError(shortened, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}
