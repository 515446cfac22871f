import type { Context } from "hono";

/**
 * Runs `work` after the response is sent (`waitUntil`), so the viewer never
 * waits for it. Where the app runs without an execution context (`app.fetch`
 * from a test, no `ctx`), the work is awaited instead: it is never dropped.
 */
export async function afterResponse(c: Context, work: Promise<unknown>): Promise<void> {
  let ctx: { waitUntil(promise: Promise<unknown>): void } | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    ctx = undefined;
  }
  if (ctx) ctx.waitUntil(work);
  else await work;
}
