import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ErrorCode } from "../../common/error-codes.ts";

export type { ErrorCode };

/** An error a client caused or may see (its code one of common/error-codes.ts): it becomes `{ error: { code, message } }` with `status`. */
export class AppError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: ErrorCode;
  /** Extra fields of the error object (e.g. `retryAfterSeconds`) and extra response headers. */
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    status: ContentfulStatusCode,
    code: ErrorCode,
    message: string,
    extra?: { details?: Record<string, unknown>; headers?: Record<string, string> },
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = extra?.details;
    this.headers = extra?.headers;
  }
}

/** JSON body of every error response. */
export function errorBody(code: ErrorCode, message: string) {
  return { error: { code, message } };
}

/** The app's one error handler: known errors become JSON 4xx; anything else is logged and answered 500 without detail. */
export function onError(err: Error, c: Context): Response {
  if (err instanceof AppError) {
    const body = errorBody(err.code, err.message);
    return c.json({ error: { ...body.error, ...err.details } }, err.status, err.headers);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code = status === 413 ? "payload_too_large" : status === 401 ? "unauthorized" : "bad_request";
    return c.json(errorBody(code, err.message || "Bad request"), status);
  }
  console.error("unhandled error", c.req.method, c.req.path, err);
  return c.json(errorBody("internal", "Something went wrong on our side."), 500);
}
