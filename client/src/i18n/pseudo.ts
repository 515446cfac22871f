/**
 * The pseudo-locale, built from English at runtime: every letter accented, each
 * string ~40 % longer and bracketed, so unlocalised text (plain ASCII) and text
 * that overflows its box stand out. `{{ placeholders }}` are kept as they are.
 */
const ACCENTED: Record<string, string> = {
  a: "á", b: "ƀ", c: "ç", d: "ð", e: "é", f: "ƒ", g: "ĝ", h: "ĥ", i: "í", j: "ĵ", k: "ķ", l: "ļ", m: "ɱ",
  n: "ñ", o: "ó", p: "þ", q: "ǫ", r: "ŕ", s: "š", t: "ţ", u: "ú", v: "ṽ", w: "ŵ", x: "ẋ", y: "ý", z: "ž",
  A: "Á", B: "Ɓ", C: "Ç", D: "Ð", E: "É", F: "Ƒ", G: "Ĝ", H: "Ĥ", I: "Í", J: "Ĵ", K: "Ķ", L: "Ļ", M: "Ṁ",
  N: "Ñ", O: "Ó", P: "Þ", Q: "Ǫ", R: "Ŕ", S: "Š", T: "Ţ", U: "Ú", V: "Ṽ", W: "Ŵ", X: "Ẋ", Y: "Ý", Z: "Ž",
};

const PLACEHOLDER = /(\{\{\s*\w+\s*\}\})/;

/** One English string in the pseudo-locale: accented, padded to ~140 % of its length, in ⟦ ⟧. */
export function pseudoString(source: string): string {
  if (source === "") return "";
  const accented = source
    .split(PLACEHOLDER)
    .map((part) => (PLACEHOLDER.test(part) ? part : part.replace(/[a-zA-Z]/g, (ch) => ACCENTED[ch] ?? ch)))
    .join("");
  // Brackets and padding together add at least 40 % of the source's length.
  const padding = "·".repeat(Math.max(1, Math.ceil(source.length * 0.4) - 2));
  return `⟦${accented}${padding}⟧`;
}

/** A whole dictionary in the pseudo-locale (plural forms included), same keys. */
export function pseudoDictionary<T extends Record<string, string | Readonly<Record<string, string>>>>(dict: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(dict)) {
    out[key] = typeof value === "string" ? pseudoString(value) : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, pseudoString(v)]));
  }
  return out as T;
}
