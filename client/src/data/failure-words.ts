/**
 * A failed request in the interface language, for screens that may fail but
 * rarely do (a download, a browse page): the errors namespace is loaded only
 * once something failed, so those pages do not carry every code's words.
 * Forms that fail as a matter of course take them statically (components/form.tsx).
 */
export async function failureWords(err: unknown): Promise<string> {
  const { errorText } = await import("../i18n/pages/errors/index.ts");
  // An ApiError (data/api.ts) carries the Worker's code; a TypeError from fetch means no answer at all.
  return errorText(err instanceof TypeError ? "network" : (err as { code?: unknown } | null)?.code);
}
