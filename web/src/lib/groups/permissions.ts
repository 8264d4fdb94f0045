import type { MemberRole } from "../graphql/generated/graphql.ts";

/** What I may do in a group, as api/src/domains/groups enforces it (the server still decides). */
export interface GroupPowers {
  rename: boolean;
  addMembers: boolean;
  unban: boolean;
  deleteGroup: boolean;
}

/** What I may do to one member. */
export interface MemberPowers {
  remove: boolean;
  ban: boolean;
  setRole: boolean;
  transferOwnership: boolean;
}

const isAdmin = (role: MemberRole) => role === "ADMIN" || role === "OWNER";

export function groupPowers(myRole: MemberRole): GroupPowers {
  return {
    rename: isAdmin(myRole),
    addMembers: isAdmin(myRole),
    unban: isAdmin(myRole),
    deleteGroup: myRole === "OWNER",
  };
}

/**
 * Admins remove and ban members, never the owner, and only the owner acts on an admin; the owner sets roles
 * and hands ownership over. Nobody acts on themselves here (leaving is leaveGroup).
 */
export function memberPowers(myRole: MemberRole, target: MemberRole, isMe: boolean): MemberPowers {
  if (isMe) return { remove: false, ban: false, setRole: false, transferOwnership: false };
  const outranks = target !== "OWNER" && (target === "MEMBER" ? isAdmin(myRole) : myRole === "OWNER");
  const owner = myRole === "OWNER";
  return { remove: outranks, ban: outranks, setRole: owner && target !== "OWNER", transferOwnership: owner };
}

/** The owner of a group with others in it must hand it over first (leaving alone deletes it). */
export function mustHandOverFirst(myRole: MemberRole, memberCount: number): boolean {
  return myRole === "OWNER" && memberCount > 1;
}
