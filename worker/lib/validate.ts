import { zValidator } from "@hono/zod-validator";
import type { ZodType } from "zod";
import { AppError } from "./errors.ts";

/** The request parts routes validate; each has its error code `invalid_<target>`. */
type Target = "json" | "query" | "param";

/**
 * Validates one part of the request with a zod schema; failures become
 * 400 `{ error: { code: "invalid_<target>", message } }` naming the first bad field.
 */
export function validate<T extends Target, Schema extends ZodType>(target: T, schema: Schema) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
      throw new AppError(400, `invalid_${target}`, `${where}${issue?.message ?? "invalid input"}`);
    }
  });
}
