import { builder } from "../../../graphql/builder.ts";
import type { DeliveryEvent } from "./receipts.events.ts";

export const DeliveryEventRef = builder.objectRef<DeliveryEvent>("DeliveryEvent").implement({
  description:
    "A member's client acknowledged messages up to `deliveredCursor` (at most one event a second per member " +
    "and chat; the latest position always follows). With ChatReadEvent, what message statuses derive from.",
  fields: (t) => ({
    at: t.expose("at", { type: "DateTime" }),
    chatId: t.exposeID("chatId"),
    byUserId: t.exposeID("byUserId"),
    deliveredCursor: t.string({ resolve: (event) => String(Math.max(event.deliveredSeq, event.readSeq)) }),
    readCursor: t.string({ resolve: (event) => String(event.readSeq) }),
  }),
});
