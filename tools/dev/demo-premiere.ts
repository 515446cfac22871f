/**
 * The local demo's premiere: asks the running site (development only,
 * `POST /api/dev/demo-premiere`) to schedule a film's premiere a few minutes
 * ahead, and asks again every few minutes, so there is always one coming up or
 * on. A premiere replays already-encoded media on the wall clock: no CPU beyond
 * serving it.
 */

/** The first premiere starts this long after `npm start`; later ones this long after the previous one ends. */
export const DEMO_PREMIERE_LEAD_SECONDS = 180;
/** How often the site is asked (it schedules only when nothing is scheduled or on). */
const ASK_EVERY_MS = 60_000;
/** The demo clips last 12 s: ten plays make a two-minute premiere. */
const DEMO_LOOPS = 10;

export interface DemoPremiere {
  titleId: number;
  startsAt: number;
  endsAt: number;
}

/** Asks the site once; the premiere scheduled or already pending, or undefined (no film with media, or the site said no). */
export async function askForDemoPremiere(siteUrl: string): Promise<DemoPremiere | undefined> {
  const res = await fetch(`${siteUrl}/api/dev/demo-premiere`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: siteUrl },
    body: JSON.stringify({ startsInSeconds: DEMO_PREMIERE_LEAD_SECONDS, loops: DEMO_LOOPS }),
  }).catch(() => undefined);
  if (!res?.ok) return undefined;
  return (await res.json()) as DemoPremiere;
}

/** Keeps a demo premiere scheduled while the site runs; prints each new one. Returns a stop function. */
export function keepDemoPremiereScheduled(siteUrl: string, log: (line: string) => void = console.log): () => void {
  let announced: number | undefined;
  const ask = async () => {
    const premiere = await askForDemoPremiere(siteUrl);
    if (premiere && premiere.startsAt !== announced) {
      announced = premiere.startsAt;
      log(`  Premiere: title ${premiere.titleId} goes live at ${new Date(premiere.startsAt).toLocaleTimeString()} (${siteUrl}/title/${premiere.titleId})`);
    }
  };
  void ask();
  const timer = setInterval(() => void ask(), ASK_EVERY_MS);
  return () => clearInterval(timer);
}
