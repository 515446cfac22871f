import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, pathwayOrigins } from "../../worker/lib/security.ts";

describe("content security policy", () => {
  it("allows media and workers from blob: and nothing inline", () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("media-src 'self' blob: data:");
    expect(csp).toContain("worker-src 'self' blob:");
    // The app-shell service worker and the web app manifest: from this origin only.
    expect(csp).toContain("manifest-src 'self';");
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain("unsafe-inline");
  });

  it("adds exactly the configured CDN pathway origins to connect-src", () => {
    const origins = pathwayOrigins('[{"id":"a","baseUrl":""},{"id":"b","baseUrl":"https://cdn-b.example/base"}]');
    expect(origins).toEqual(["https://cdn-b.example"]);
    expect(contentSecurityPolicy(origins)).toContain("connect-src 'self' https://cdn-b.example");
    expect(pathwayOrigins("not json")).toEqual([]);
  });
});
