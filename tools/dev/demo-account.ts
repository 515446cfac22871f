/**
 * The demo household `npm start` (and the browser suite) sign in with: one
 * premium account with two adult profiles and a kids profile. It is created
 * through the Worker's own API on the local site, so it is hashed, validated
 * and stored exactly like any sign-up. Local development only: a deployed
 * Worker is never seeded.
 */
export const DEMO_ACCOUNT = {
  email: "demo@marquee.local",
  password: "watch-marquee",
  profiles: [
    { name: "Alex", avatar: "star" },
    { name: "Sam", avatar: "moon" },
    { name: "Kids", avatar: "cat", isKids: true },
  ],
} as const;

/** The cookies a response set, as a Cookie header. */
const cookieOf = (res: Response): string =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");

/**
 * Creates the demo account on the site at `url` if it does not exist yet;
 * returns whether it was created. It signs in first: every sign-up counts
 * against the client's network, existing account or not (10 an hour), so
 * asking by sign-up on every start locked a developer who restarted
 * `npm start` (or ran a benchmark) ten times in an hour out with 429.
 */
export async function ensureDemoAccount(url: string): Promise<boolean> {
  const headers = { "content-type": "application/json", origin: url };
  const signin = await fetch(`${url}/api/auth/signin`, { method: "POST", headers, body: JSON.stringify({ email: DEMO_ACCOUNT.email, password: DEMO_ACCOUNT.password }) });
  if (signin.ok) {
    await fetch(`${url}/api/auth/signout`, { method: "POST", headers: { origin: url, cookie: cookieOf(signin) } });
    return false;
  }
  await signin.body?.cancel();
  const [first, ...others] = DEMO_ACCOUNT.profiles;
  const signup = await fetch(`${url}/api/auth/signup`, {
    method: "POST",
    headers,
    body: JSON.stringify({ email: DEMO_ACCOUNT.email, password: DEMO_ACCOUNT.password, plan: "premium", profileName: first.name }),
  });
  if (signup.status === 409) return false;
  if (signup.status !== 201) throw new Error(`demo account: sign-up answered ${signup.status}: ${await signup.text()}`);
  const cookie = cookieOf(signup);
  const me = (await signup.json()) as { profileId: string };
  const write = async (path: string, method: string, body: unknown) => {
    const res = await fetch(`${url}${path}`, { method, headers: { ...headers, cookie }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`demo account: ${method} ${path} answered ${res.status}: ${await res.text()}`);
  };
  await write(`/api/profiles/${me.profileId}`, "PATCH", { avatar: first.avatar });
  for (const profile of others) await write("/api/profiles", "POST", profile);
  await fetch(`${url}/api/auth/signout`, { method: "POST", headers: { origin: url, cookie } });
  return true;
}
