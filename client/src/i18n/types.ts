/** The dictionary's shape, from English (dicts/en.ts): every locale has every key, checked by TypeScript. */
import type en from "./dicts/en.ts";

/** A plural: one text per `Intl.PluralRules` category the language uses, `other` always. */
export type Plural = Readonly<Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }>;

type English = typeof en;

/** A complete dictionary: English's keys, a string where English has one, a plural where English has one. */
export type Dictionary = { readonly [K in keyof English]: English[K] extends string ? string : Plural };

/** Keys of plain messages. */
export type MessageKey = { [K in keyof English]: English[K] extends string ? K : never }[keyof English];
/** Keys of plural messages. */
export type PluralKey = Exclude<keyof English, MessageKey>;
