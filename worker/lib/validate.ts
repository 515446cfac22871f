import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { ZodType } from "zod";
import { AppError } from "./errors.ts";

/**
 * Validates one part of the request with a zod schema; failures become
 * 400 `{ error: { code: "invalid_<target>", message } }` naming the first bad field.
 */
export function validate<Target extends keyof ValidationTargets, Schema extends ZodType>(
  target: Target,
  schema: Schema,
) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
      throw new AppError(400, `invalid_${target}`, `${where}${issue?.message ?? "invalid input"}`);
    }
  });
}
