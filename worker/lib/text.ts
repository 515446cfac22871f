/**
 * Text normalisation shared by the search index, the search queries and the
 * seed/ingest tools, so a title is folded the same way when written and when
 * searched.
 */

const SPECIAL_LETTERS: Record<string, string> = {
  ß: "ss", æ: "ae", œ: "oe", ø: "o", đ: "d", ð: "d", ł: "l", þ: "th", ı: "i",
};

/** Lower-cases, strips accents ("Amélie" → "amelie") and folds special letters. */
export function foldText(input: string): string {
  return input
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[ßæœøđðłþı]/g, (ch) => SPECIAL_LETTERS[ch] ?? ch);
}

/** Folded words of a text: letters and digits only ("Spider-Man: No Way" → spider, man, no, way). */
export function words(input: string): string[] {
  return foldText(input)
    .replace(/['’]/g, "")
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

const LEADING_ARTICLES = new Set(["the", "a", "an"]);

/** Words without a leading English article, so "The Godfather" compacts like "Godfather". */
export function wordsWithoutArticle(input: string): string[] {
  const w = words(input);
  return w.length > 1 && LEADING_ARTICLES.has(w[0]!) ? w.slice(1) : w;
}

/** Scripts written without spaces between words: Han, Hiragana, Katakana (and Hangul, spaced but often typed without). */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * Search tokens of a word: the word, and for text in a script written without
 * spaces (Japanese, Chinese) its overlapping two-character pieces as well, so
 * "千尋" finds "千と千尋の神隠し" with no word-splitting dictionary. Arabic and
 * the other spaced scripts keep their words (their marks are folded away).
 */
export function searchTokens(word: string): string[] {
  const chars = [...word];
  if (chars.length <= 2 || !UNSPACED.test(word)) return [word];
  const pieces = new Set<string>([word]);
  for (let i = 0; i + 2 <= chars.length; i++) pieces.add(chars[i]! + chars[i + 1]!);
  return [...pieces];
}

/** All letters and digits run together: spacing and punctuation stop mattering ("spiderman" = "Spider-Man"). */
export function compact(input: string): string {
  return words(input).join("");
}

/**
 * Leading articles left out of a title's sort key, per language, as library and
 * streaming catalogs file titles ("The Godfather" under G, "Les Misérables" under
 * M, "Das Boot" under B). French and Italian elide theirs ("L'Atalante"), Arabic
 * writes its article as a prefix ("الرحلة" under ر); Japanese has none.
 */
const SORT_ARTICLES: Readonly<Record<string, ReadonlySet<string>>> = {
  en: LEADING_ARTICLES,
  fr: new Set(["le", "la", "les", "un", "une", "des"]),
  es: new Set(["el", "la", "los", "las", "un", "una", "unos", "unas"]),
  de: new Set(["der", "die", "das", "ein", "eine"]),
  it: new Set(["il", "lo", "la", "i", "gli", "le", "un", "uno", "una"]),
  pt: new Set(["o", "a", "os", "as", "um", "uma"]),
};
const ELIDED_ARTICLE: Readonly<Record<string, RegExp>> = { fr: /^\s*l['’]\s*(?=\p{L})/iu, it: /^\s*l['’]\s*(?=\p{L})/iu };
const ARABIC_ARTICLE = /^ال(?=\p{L}{2})/u;

/** Katakana → hiragana (ア → あ), so kana titles sort together in gojūon order whichever kana they are written in. */
const toHiragana = (text: string) => text.replace(/[\u30A1-\u30F6]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60));

/**
 * Sort key of a title written in `locale`'s language, for alphabetical ordering by
 * code point: folded (case, accents, Arabic vowel marks and the kana voicing marks
 * go), katakana as hiragana, without the language's leading article. Keys of one
 * listing may come from different languages (a title untranslated in French keeps
 * its English name and English key); code-point order then puts Latin letters
 * before Arabic, kana and kanji, as `Intl.Collator` does by default.
 */
export function localeSortKey(input: string, locale: string): string {
  const language = locale.split("-")[0]!.toLowerCase();
  const elided = ELIDED_ARTICLE[language];
  const w = words(toHiragana(elided ? input.replace(elided, "") : input));
  const articles = SORT_ARTICLES[language];
  if (w.length > 1 && articles?.has(w[0]!)) w.shift();
  if (language === "ar" && w.length > 0) w[0] = w[0]!.replace(ARABIC_ARTICLE, "");
  return w.join(" ");
}

/** Sort key of an English title (the catalog's own text, `titles.sort_title`): folded, without a leading article. */
export function sortKey(input: string): string {
  return localeSortKey(input, "en");
}

/**
 * Edit distance (insert, delete, substitute, swap adjacent) between `needle` and
 * the best-matching substring of `haystack` (Sellers' approximate matching), so
 * "godfater" is 1 away from "thegodfatherpartii". Bounded by `needle.length`.
 */
export function substringEditDistance(needle: string, haystack: string): number {
  const n = needle.length;
  const m = haystack.length;
  if (n === 0) return 0;
  // prev2/prev/cur are rows over the needle; column 0 of each row is free (match may start anywhere).
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let i = 0; i <= n; i++) prev[i] = i;
  let best = prev[n]!;
  for (let j = 1; j <= m; j++) {
    cur[0] = 0;
    for (let i = 1; i <= n; i++) {
      const cost = needle[i - 1] === haystack[j - 1] ? 0 : 1;
      let v = Math.min(prev[i]! + 1, cur[i - 1]! + 1, prev[i - 1]! + cost);
      if (i > 1 && j > 1 && needle[i - 1] === haystack[j - 2] && needle[i - 2] === haystack[j - 1]) {
        v = Math.min(v, prev2[i - 2]! + 1);
      }
      cur[i] = v;
    }
    best = Math.min(best, cur[n]!);
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return best;
}

/** Whole-string edit distance (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m]!;
}
