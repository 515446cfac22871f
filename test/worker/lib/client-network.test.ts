import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clientNetwork } from "../../../worker/lib/client-network.ts";

const hextet = fc.integer({ min: 0, max: 0xffff });
/** Eight hextets that are not an IPv4-mapped address (::ffff:a.b.c.d is the IPv4 client, tested apart). */
const address = fc.array(hextet, { minLength: 8, maxLength: 8 }).filter((h) => !(h.slice(0, 5).every((x) => x === 0) && h[5] === 0xffff));

/** One way to write eight hextets: padded or not, upper-case or not, and any run of zeros compressed to "::". */
const writing = fc.record({ pad: fc.boolean(), upper: fc.boolean(), compressAt: fc.nat(), zone: fc.boolean() });

function write(hextets: number[], how: { pad: boolean; upper: boolean; compressAt: number; zone: boolean }): string {
  const groups = hextets.map((h) => h.toString(16).padStart(how.pad ? 4 : 1, "0"));
  const runs: [number, number][] = [];
  for (let i = 0; i < 8; i++) {
    if (hextets[i] !== 0) continue;
    let j = i;
    while (j < 8 && hextets[j] === 0) j++;
    runs.push([i, j]);
    i = j;
  }
  let text = groups.join(":");
  // Any run of zeros may be compressed (RFC 4291 allows one "::"); with none, the full form.
  const run = runs.length > 0 && how.compressAt % (runs.length + 1) < runs.length ? runs[how.compressAt % (runs.length + 1)]! : null;
  if (run) text = `${groups.slice(0, run[0]).join(":")}::${groups.slice(run[1]).join(":")}`;
  if (how.upper) text = text.toUpperCase();
  return how.zone ? `${text}%eth0` : text;
}

const network = (hextets: number[]) => `${hextets.slice(0, 4).map((h) => h.toString(16)).join(":")}::/64`;

describe("clientNetwork", () => {
  it("an IPv4 address is its own network, also written as an IPv4-mapped IPv6 address", () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(clientNetwork(ip)).toBe(ip);
        expect(clientNetwork(`::ffff:${ip}`)).toBe(ip);
        expect(clientNetwork(`::FFFF:${ip}`)).toBe(ip);
      }),
    );
  });

  it("an IPv6 address is its /64, however the address is written", () => {
    fc.assert(
      fc.property(address, writing, writing, (hextets, one, other) => {
        expect(clientNetwork(write(hextets, one))).toBe(network(hextets));
        expect(clientNetwork(write(hextets, other))).toBe(clientNetwork(write(hextets, one)));
      }),
    );
  });

  it("addresses differing only in the interface half share a network; differing in the first half they do not", () => {
    fc.assert(
      fc.property(address, fc.integer({ min: 0, max: 7 }), hextet, writing, (hextets, at, value, how) => {
        const changed = hextets.with(at, value === hextets[at] ? (value + 1) & 0xffff : value);
        fc.pre(!(changed.slice(0, 5).every((x) => x === 0) && changed[5] === 0xffff));
        const same = clientNetwork(write(changed, how)) === clientNetwork(write(hextets, how));
        expect(same).toBe(at >= 4);
      }),
    );
  });

  it("fast-check's own IPv6 addresses all parse", () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        expect(clientNetwork(ip), ip).toMatch(/^([0-9a-f]{1,4}:){4}:\/64$|^\d+\.\d+\.\d+\.\d+$/);
      }),
    );
  });

  it("anything that is not an address is null, never a throw", () => {
    for (const text of ["", "unknown", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "::g", ":1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.256"]) {
      expect(clientNetwork(text), text).toBeNull();
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const net = clientNetwork(text);
        expect(net === null || /^([0-9a-f]{1,4}:){4}:\/64$|^\d+\.\d+\.\d+\.\d+$/.test(net), text).toBe(true);
      }),
    );
  });
});
