import type { Plugin } from "graphql-yoga";
import { type Drain, SHUTTING_DOWN } from "../infra/drain.ts";
import { withLogger } from "../infra/logger.ts";
import type { Context } from "./context.ts";
import { unavailable } from "./errors.ts";
import type { WsInitialContext } from "./yoga.ts";

/**
 * Operability for every transport: operations run with their context's logger as the current one (so
 * masked-error lines carry the operation's ids) and count as in flight while they run. Once the server is
 * stopping, a new graphql-ws operation is refused with UNAVAILABLE; HTTP requests are admitted or refused on
 * arrival (http/ops-routes.ts), so one admitted before the stop runs to its end.
 */
export function opsPlugin(drain: Drain): Plugin<Context & Partial<WsInitialContext>> {
  return {
    instrumentation: {
      execute: ({ context }, wrapped) => withLogger(context.logger, wrapped),
    },
    onExecute({ args, setResultAndStopExecution }) {
      if (drain.stopping && args.contextValue.transport === "ws")
        return setResultAndStopExecution({ errors: [unavailable(SHUTTING_DOWN)] });
      const end = drain.begin();
      return { onExecuteDone: end };
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      if (drain.stopping && args.contextValue.transport === "ws")
        return setResultAndStopExecution({ errors: [unavailable(SHUTTING_DOWN)] });
      return { onSubscribeResult: () => ({ onNext: () => drain.delivered() }) };
    },
  };
}
