import { isIPv6 } from "node:net";

/**
 * The client's address, for per-address limits. Without trusted proxies it is the socket's remote address (a
 * client cannot forge it); behind `trustProxy` proxies that each append the address they received from to
 * `X-Forwarded-For`, it is the entry that many hops from the right (as Express's numeric `trust proxy`), so
 * entries a client wrote itself are never used. IPv6 addresses count per /64, the block one host usually holds.
 */
export function clientAddress(
  remoteAddress: string | undefined,
  forwardedFor: string | null | undefined,
  trustProxy: number,
): string {
  const forwarded = trustProxy > 0 && forwardedFor ? forwardedFor.split(",").map((entry) => entry.trim()) : [];
  const chain = [remoteAddress ?? "unknown", ...forwarded.reverse()];
  return addressKey(chain[Math.min(trustProxy, chain.length - 1)] ?? "unknown");
}

function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head = "", tail = ""] = address.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = address.includes("::") && tail ? tail.split(":") : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(":")}::/64`;
}
