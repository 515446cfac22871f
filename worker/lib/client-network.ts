/**
 * The network a client address belongs to, as limits and steering count it: an
 * IPv4 address is its own network, an IPv6 address is its /64 (one subscriber
 * line gets a whole /64, so counting per IPv6 address would give one client
 * 2^64 budgets). An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) is the IPv4
 * address it maps.
 */

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEXTET = /^[0-9a-f]{1,4}$/;

/** The 8 hextets of an IPv6 address (text already lower-cased), or null when it is not one. */
function ipv6Hextets(text: string): number[] | null {
  let head = text;
  let v4: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (lastColon >= 0 && text.includes(".", lastColon)) {
    // A dotted IPv4 tail (`::ffff:192.0.2.1`) stands for the last two hextets.
    const tail = text.slice(lastColon + 1);
    if (!IPV4.test(tail)) return null;
    const b = tail.split(".").map(Number);
    v4 = [(b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!];
    head = text.slice(0, lastColon + 1);
    // "::1.2.3.4" keeps its "::"; "1:2:3:4:5:6:1.2.3.4" ends in one colon that belonged to the tail.
    if (!head.endsWith("::")) head = head.slice(0, -1);
  }
  const halves = head.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string): number[] | null => {
    if (part === "") return [];
    const groups = part.split(":");
    return groups.every((g) => HEXTET.test(g)) ? groups.map((g) => parseInt(g, 16)) : null;
  };
  const left = parse(halves[0]!);
  const right = halves.length === 2 ? parse(halves[1]!) : [];
  if (!left || !right) return null;
  const explicit = left.length + right.length + v4.length;
  if (halves.length === 2) {
    // "::" stands for at least one zero hextet.
    if (explicit > 7) return null;
    return [...left, ...new Array<number>(8 - explicit).fill(0), ...right, ...v4];
  }
  return explicit === 8 ? [...left, ...v4] : null;
}

/**
 * The client's network in one canonical text, or null when `address` is not an
 * IP address: `"192.0.2.1"` for IPv4, `"2001:db8:0:1::/64"`-style (the first
 * four hextets, lower-case, without leading zeros) for IPv6, however the
 * address was written (zero-compressed, padded, upper-case, a zone id).
 */
export function clientNetwork(address: string): string | null {
  const text = address.trim().toLowerCase();
  if (text.length === 0 || text.length > 64) return null;
  if (IPV4.test(text)) return text;
  const hextets = ipv6Hextets(text.replace(/%[0-9a-z._~-]+$/, ""));
  if (!hextets) return null;
  // ::ffff:a.b.c.d (IPv4-mapped): the IPv4 client it is.
  if (hextets.slice(0, 5).every((h) => h === 0) && hextets[5] === 0xffff) {
    return [hextets[6]! >> 8, hextets[6]! & 0xff, hextets[7]! >> 8, hextets[7]! & 0xff].join(".");
  }
  return `${hextets.slice(0, 4).map((h) => h.toString(16)).join(":")}::/64`;
}
