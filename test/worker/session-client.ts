/**
 * A tiny browser stand-in for session tests: keeps the cookies the Worker sets
 * (honouring Path and deletion), sends them back where a browser would, and
 * sends the site's Origin on writes unless told otherwise.
 */
import { call } from "./helpers.ts";

export const SITE = "http://127.0.0.1";

interface StoredCookie {
  value: string;
  path: string;
  attributes: string[];
}

let counter = 0;
/** An e-mail no other test uses. */
export function uniqueEmail(tag = "user"): string {
  return `${tag}-${Date.now().toString(36)}-${(counter++).toString(36)}@example.com`;
}

export const PASSWORD = "correct horse battery";

/** Waits for the clock's next second after `iat`, so a change lands in a later second than the token (tokens count in whole seconds). */
export async function afterSecondOf(iat: number): Promise<void> {
  while (Math.floor(Date.now() / 1000) <= iat) await new Promise((r) => setTimeout(r, 50));
}

export class TestBrowser {
  readonly cookies = new Map<string, StoredCookie>();
  /** The client IP sent as cf-connecting-ip (unique per browser, so limits of other tests never interfere). */
  readonly ip = `10.${counter % 250}.${(Date.now() >> 8) % 250}.${(counter++ % 250) + 1}`;

  /** Raw Set-Cookie lines of the last response. */
  lastSetCookie: string[] = [];

  cookieHeader(path: string): string {
    return [...this.cookies.entries()]
      .filter(([, c]) => path === c.path || path.startsWith(c.path.endsWith("/") ? c.path : `${c.path}/`))
      .map(([name, c]) => `${name}=${c.value}`)
      .join("; ");
  }

  async fetch(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string>; origin?: string | null } = {}): Promise<Response> {
    const method = init.method ?? "GET";
    const headers: Record<string, string> = { "cf-connecting-ip": this.ip, ...init.headers };
    const cookie = this.cookieHeader(path.split("?")[0]!);
    if (cookie) headers.cookie = cookie;
    if (method !== "GET" && init.origin !== null) headers.origin = init.origin ?? SITE;
    let body: string | undefined;
    if (init.body !== undefined) {
      headers["content-type"] ??= "application/json";
      body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
    }
    const res = await call(path, { method, headers, body });
    this.lastSetCookie = res.headers.getSetCookie();
    for (const line of this.lastSetCookie) {
      const [pair, ...attrs] = line.split(";").map((s) => s.trim());
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      const path = attrs.find((a) => a.toLowerCase().startsWith("path="))?.slice(5) ?? "/";
      if (value === "" || attrs.some((a) => /^max-age=0$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, { value, path, attributes: attrs });
    }
    return res;
  }

  async json<T = any>(path: string, init: Parameters<TestBrowser["fetch"]>[1] = {}): Promise<{ status: number; body: T; res: Response }> {
    const res = await this.fetch(path, init);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T, res };
  }

  /** Signs up a new account (a default profile is chosen); returns the response body. */
  async signUp(email = uniqueEmail(), password = PASSWORD, extra: Record<string, unknown> = {}) {
    const r = await this.json("/api/auth/signup", { method: "POST", body: { email, password, ...extra } });
    if (r.status !== 201) throw new Error(`signup failed: ${r.status} ${JSON.stringify(r.body)}`);
    return { ...r.body, email, password };
  }

  value(name: string): string | undefined {
    return this.cookies.get(name)?.value;
  }
}
