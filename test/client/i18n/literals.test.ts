import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Pages whose words are not in the dictionaries: only /ops, which stays English
 * (an operator's console). Every other component must take its words from
 * client/src/i18n (the main dictionaries or a page namespace, i18n/pages/).
 */
const NOT_YET_MOVED = new Set([
  "pages/ops.tsx",
]);

const ROOT = "client/src";
const TEXT = /(?<![=-])>\s*([^<>{}\s][^<>{}]*?)\s*</g;
const ATTRIBUTE = /\b(aria-label|placeholder|title|alt)="([^"]*[A-Za-z][^"]*)"/g;

function tsxFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    return statSync(path).isDirectory() ? tsxFiles(path) : path.endsWith(".tsx") ? [path] : [];
  });
}

/** Text a viewer would read that is written into a component's JSX: text between tags and labelling attributes. */
function jsxLiterals(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const texts = [...code.matchAll(TEXT)].map((m) => m[1]!).filter((t) => /[A-Za-z]{2,}/.test(t) && !/[;=]|\("|"\)|^[)(:,.?&|!]|^\w+(\.\w+)+$|^Promise$/.test(t) && t !== "MARQUEE");
  return [...texts, ...[...code.matchAll(ATTRIBUTE)].map((m) => `${m[1]}="${m[2]}"`)];
}

describe("no user-visible literal in JSX outside the dictionaries", () => {
  it("finds literals where they are (the check can fail)", () => {
    expect(jsxLiterals(`<p class="x">Hello there</p><button aria-label="Close">{t("a")}</button>`)).toEqual(["Hello there", 'aria-label="Close"']);
    expect(jsxLiterals(`<p>{t("home.empty")}</p> const f = (): Promise<void> => x; <span>MARQUEE</span>`)).toEqual([]);
  });

  for (const file of tsxFiles(ROOT)) {
    const name = relative(ROOT, file);
    if (NOT_YET_MOVED.has(name)) continue;
    it(`${name} takes every word from the dictionaries`, () => {
      expect(jsxLiterals(readFileSync(file, "utf8"))).toEqual([]);
    });
  }

  it("lists no file as not yet moved once it is", () => {
    for (const name of NOT_YET_MOVED) if (name !== "pages/ops.tsx") expect(jsxLiterals(readFileSync(join(ROOT, name), "utf8")).length, name).toBeGreaterThan(0);
  });
});
