import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** An error a client caused or may see: it becomes `{ error: { code, message } }` with `status`. */
export class AppError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;

  constructor(status: ContentfulStatusCode, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** JSON body of every error response. */
export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

/** The app's one error handler: known errors become JSON 4xx; anything else is logged and answered 500 without detail. */
export function onError(err: Error, c: Context): Response {
  if (err instanceof AppError) {
    return c.json(errorBody(err.code, err.message), err.status);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code = status === 413 ? "payload_too_large" : status === 401 ? "unauthorized" : "bad_request";
    return c.json(errorBody(code, err.message || "Bad request"), status);
  }
  console.error("unhandled error", c.req.method, c.req.path, err);
  return c.json(errorBody("internal", "Something went wrong on our side."), 500);
}
