// `npm start -w @parley/bridge`: the legacy bridge as its own process in front of PARLEY_API_URL.
import { z } from "zod";
// The one origin policy (a pure module of the api): the bridge refuses what the API would.
import { createOriginPolicy, normalizeOrigin } from "../../api/src/infra/origin-policy.ts";
import { createStandaloneBridge } from "./standalone.ts";

const env = z
  .object({
    PARLEY_API_URL: z.url({ protocol: /^https?$/ }),
    PORT: z.coerce.number().int().min(0).max(65_535).default(4100),
    HOST: z.string().min(1).default("0.0.0.0"),
    /** comma-separated origins, as the API's ALLOWED_ORIGINS */
    ALLOWED_ORIGINS: z
      .string()
      .default("")
      .transform((list) =>
        list
          .split(",")
          .map((origin) => origin.trim())
          .filter(Boolean),
      )
      .refine((origins) => origins.every((origin) => normalizeOrigin(origin) === origin), {
        message: "a comma-separated list of origins like https://example.com",
      }),
    /** the API's WS_MAX_BUFFERED_BYTES and MAX_REQUEST_BYTES (their defaults) */
    WS_MAX_BUFFERED_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(1024 * 1024),
    MAX_REQUEST_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(64 * 1024),
    /** the API's COOKIE_SECURE: Secure on the `csrftoken` cookie (default: on in production) */
    COOKIE_SECURE: z.enum(["true", "false"]).optional(),
    NODE_ENV: z.string().optional(),
  })
  .parse(process.env);

const line = (level: string) => (details: object, message: string) =>
  process.stdout.write(`${JSON.stringify({ level, time: Date.now(), msg: message, ...details })}\n`);
const logger = { warn: line("warn"), error: line("error") };

const bridge = createStandaloneBridge({
  apiUrl: env.PARLEY_API_URL,
  originPolicy: createOriginPolicy(env.ALLOWED_ORIGINS),
  maxBufferedBytes: env.WS_MAX_BUFFERED_BYTES,
  maxFrameLength: env.MAX_REQUEST_BYTES,
  cookieSecure: env.COOKIE_SECURE ? env.COOKIE_SECURE === "true" : env.NODE_ENV === "production",
  logger,
});
const port = await bridge.start(env.PORT, env.HOST);
line("info")({ port, api: env.PARLEY_API_URL }, "legacy bridge listening");

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    void bridge.stop().then(() => process.exit(0));
  });
}
