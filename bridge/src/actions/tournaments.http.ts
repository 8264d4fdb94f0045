import { z } from "zod";
import { invalid, type ValidationItem } from "../http/errors.ts";
import type { Route } from "../http/route.ts";
import { isoHttp } from "../legacy/dates.ts";
import { fromApiSettings, toSettingsInput, validLegacySettings } from "../legacy/game-settings.ts";
import { CreateTournamentDocument, type CreateTournamentMutation } from "../operations/generated/graphql.ts";

/** The creation body (§8.7); each broken rule is one pydantic-style item of the 422 list. */
const body = z.object({
  name: z.string().min(1).max(50),
  required_participants: z.union([z.literal(4), z.literal(8)]),
  alias: z.string().min(1).max(12),
  settings: z.unknown().refine(validLegacySettings, "Invalid game settings").optional(),
});

function bodyProblems(error: z.ZodError): ValidationItem[] {
  return error.issues.map((issue) => ({
    type: issue.code === "invalid_type" && issue.input === undefined ? "missing" : "value_error",
    loc: ["body", ...issue.path.map((part) => (typeof part === "number" ? part : String(part)))],
    msg: issue.code === "invalid_type" && issue.input === undefined ? "Field required" : issue.message,
  }));
}

/** Legacy tournament statuses: an open one is still "pending" registration. */
const STATUS: Record<CreateTournamentMutation["createTournament"]["status"], string> = {
  OPEN: "pending",
  ONGOING: "ongoing",
  FINISHED: "finished",
  CANCELLED: "cancelled",
};

function tournamentBody(tournament: CreateTournamentMutation["createTournament"], alias: string) {
  const { username, nickname, avatar, elo } = tournament.creator;
  return {
    id: tournament.id,
    name: tournament.name,
    status: STATUS[tournament.status],
    required_participants: tournament.requiredParticipants,
    creator: { alias, username, nickname, avatar, elo },
    settings: fromApiSettings(tournament.settings),
    date: isoHttp(tournament.createdAt),
  };
}

/**
 * `POST /api/tournaments` (§8.7), as far as the `new_tournament` announcement goes: every other user gets the
 * notification and its frame through the API. An engaged creator is the API's FORBIDDEN, so 403.
 */
export const routes: Route[] = [
  {
    method: "POST",
    path: "/api/tournaments",
    csrf: true,
    auth: true,
    handle: async (request) => {
      const parsed = body.safeParse(request.json() ?? {});
      if (!parsed.success) throw invalid(bodyProblems(parsed.error));
      const { name, required_participants, alias, settings } = parsed.data;
      const { createTournament } = await request.data({
        document: CreateTournamentDocument,
        variables: { name, requiredParticipants: required_participants, alias, settings: toSettingsInput(settings) },
      });
      return { status: 201, body: tournamentBody(createTournament, alias) };
    },
  },
];
