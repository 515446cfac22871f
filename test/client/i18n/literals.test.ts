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

function sourceFiles(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    return statSync(path).isDirectory() ? sourceFiles(path, ext) : ext.test(path) ? [path] : [];
  });
}
const tsxFiles = (dir: string) => sourceFiles(dir, /\.tsx$/);

/**
 * Words built outside JSX and shown later: a problem's `title`/`message`, a `label`,
 * a player flash (`flash("Muted")`). Made in a module (offline/licence.ts,
 * player/controllers/) they escape the JSX check, so they are looked for in every
 * .ts and .tsx file. Allowed: English names that a page words itself by id
 * (the avatars, pages/manage-profiles.tsx) and the keyboard's key names.
 */
const WORDED_ELSEWHERE = new Set(["components/avatar.tsx", "player/keyboard.ts"]);
const PROPERTY = /\b(title|message|label|heading)\s*:\s*(["'`])((?:(?!\2)[^\\]|\\.)*)\2/g;
const FLASH = /\bflash\(\s*(["'`])((?:(?!\1)[^\\]|\\.)*)\1/g;
/** A number given a unit by hand in a template (`${n} s`, `${kbps} kbps`, `${mb} MB`): units are the locale's words (i18n/format.ts, through Intl). */
const HAND_UNIT = /\$\{[^}]*\}\s?(?:s|ms|sec|min|hr|kbps|Mbps|kB|KB|MB|GB)(?![\w-])/g;
/** A string's own words: `${…}` expressions left out. */
const words = (text: string) => /[A-Za-z]{2,}/.test(text.replace(/\$\{[^}]*\}/g, ""));

/** Viewer-facing words written as string literals in object properties and flashes. */
function codeLiterals(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  return [
    ...[...code.matchAll(PROPERTY)].filter((m) => words(m[3]!)).map((m) => `${m[1]}: ${m[2]}${m[3]}${m[2]}`),
    ...[...code.matchAll(FLASH)].filter((m) => words(m[2]!)).map((m) => `flash(${m[1]}${m[2]}${m[1]})`),
    ...[...code.matchAll(HAND_UNIT)].map((m) => `unit: ${m[0]}`),
  ];
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

  it("finds words built in code (the check can fail)", () => {
    expect(codeLiterals(`return { title: "Not on this device", message: 'Gone.' }; o.flash(\`Speed: \${x}\`); o.flash(t("a"));`)).toEqual([
      'title: "Not on this device"',
      "message: 'Gone.'",
      "flash(`Speed: ${x}`)",
    ]);
    expect(codeLiterals(`o.flash(\`\${d > 0 ? "+" : "−"}\${n} s\`); const b = \`\${kbps} kbps\`;`)).toEqual(["unit: ${n} s", "unit: ${kbps} kbps"]);
    expect(codeLiterals(`o.flash(formatSeekStep(d)); const x = { title: t("a"), label: "" }; el.style.width = \`\${w}px\`; const q = \`\${h}p\`;`)).toEqual([]);
  });

  for (const file of sourceFiles(ROOT, /\.tsx?$/)) {
    const name = relative(ROOT, file);
    if (NOT_YET_MOVED.has(name) || WORDED_ELSEWHERE.has(name) || name.startsWith("i18n/")) continue;
    it(`${name} builds no words outside the dictionaries`, () => {
      expect(codeLiterals(readFileSync(file, "utf8"))).toEqual([]);
    });
  }

  it("lists no file as not yet moved once it is", () => {
    for (const name of NOT_YET_MOVED) if (name !== "pages/ops.tsx") expect(jsxLiterals(readFileSync(join(ROOT, name), "utf8")).length, name).toBeGreaterThan(0);
  });
});
