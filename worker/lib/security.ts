/**
 * Security headers for every response: the Worker's (via `secureHeaders`) and the
 * static assets' (written to dist/client/_headers at build time from the same
 * values), so both stay in step.
 */

/** Content Security Policy: exactly what the SPA and the hls.js player need. */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", "data:", "blob:"],
  fontSrc: ["'self'"],
  // data: for the empty WebVTT track hls.js attaches before subtitles load.
  mediaSrc: ["'self'", "blob:", "data:"],
  // 'self': the service worker (app shell offline, client/src/offline/); blob: hls.js's transmuxer worker.
  workerSrc: ["'self'", "blob:"],
  // The web app manifest (installable app).
  manifestSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
} as const;

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`);
}

/** The CSP header value built from CSP_DIRECTIVES; `connectOrigins` adds the CDN pathway hosts the player fetches from. */
export function contentSecurityPolicy(connectOrigins: string[] = []): string {
  return Object.entries(CSP_DIRECTIVES)
    .map(([name, values]) => `${kebab(name)} ${[...values, ...(name === "connectSrc" || name === "mediaSrc" ? connectOrigins : [])].join(" ")}`)
    .join("; ");
}

/** Origins of the configured pathways (PATHWAYS JSON); same-origin pathways add nothing. */
export function pathwayOrigins(pathwaysJson: string | undefined): string[] {
  try {
    const list = JSON.parse(pathwaysJson ?? "[]") as { baseUrl?: string }[];
    return [...new Set(list.flatMap((p) => (p.baseUrl ? [new URL(p.baseUrl).origin] : [])))];
  } catch {
    return [];
  }
}

/** Header name → value for static assets (the `_headers` file); mirrors hono's secureHeaders defaults used below. */
export function staticSecurityHeaders(connectOrigins: string[] = []): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(connectOrigins),
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
  };
}
