/**
 * `npm run admin -- grant <email> [--persist-to DIR]`
 * `npm run admin -- schedule premiere <titleId> --at <ISO|+10m> [--loops N] [--window S]`
 * `npm run admin -- schedule live <channel> --at <ISO|+10m> --until <ISO|+2h>`
 *
 * Makes an existing account an operator: it may open the operations console
 * (/ops, /api/ops). Writes to the local D1 that `npm start` serves
 * (.wrangler/state); `--remote` grants on the deployed database instead.
 * Exit 2 with a message when the command or the account is wrong. `schedule` writes
 * the local state with the Worker's own rules (worker/schedule/events.ts); for a
 * deployed site an operator uses `POST /api/schedule` (README "Premieres and the schedule").
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { database } from "../../worker/db/client.ts";
import { grantOperator } from "../../worker/db/qoe.ts";
import { AppError } from "../../worker/lib/errors.ts";
import { scheduleEvent, type NewEvent } from "../../worker/schedule/events.ts";
import { localPlatform } from "../dev/platform.ts";

const USAGE = [
  "usage: npm run admin -- grant <email> [--persist-to DIR | --remote]",
  "       npm run admin -- schedule premiere <titleId> --at <ISO|+10m> [--loops N] [--window SECONDS] [--persist-to DIR]",
  "       npm run admin -- schedule live <channel> --at <ISO|+10m> --until <ISO|+2h> [--persist-to DIR]",
].join("\n");

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    "persist-to": { type: "string" },
    remote: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
    at: { type: "string" },
    until: { type: "string" },
    loops: { type: "string" },
    window: { type: "string" },
  },
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

/** An instant: ISO 8601, or `+<n>s|m|h` from now; undefined when neither. */
function instant(text: string | undefined, nowMs: number): number | undefined {
  if (text === undefined) return undefined;
  const relative = /^\+(\d{1,6})([smh])$/.exec(text);
  if (relative) return nowMs + Number(relative[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[relative[2] as "s" | "m" | "h"];
  const ms = Date.parse(text);
  return /^\d{4}-\d{2}-\d{2}T/.test(text) && Number.isFinite(ms) ? ms : undefined;
}

if (positionals[0] === "schedule") {
  const [, kind, target] = positionals;
  const nowMs = Date.now();
  const startsAt = instant(values.at, nowMs);
  const integer = (v: string | undefined) => (v === undefined ? undefined : /^\d{1,6}$/.test(v) ? Number(v) : NaN);
  const event: NewEvent | undefined =
    kind === "premiere" && target && /^\d{1,12}$/.test(target) && startsAt !== undefined
      ? { kind, titleId: Number(target), startsAt, loops: integer(values.loops), windowSeconds: integer(values.window) }
      : kind === "live" && target && startsAt !== undefined && instant(values.until, nowMs) !== undefined
        ? { kind, channel: target, startsAt, endsAt: instant(values.until, nowMs) }
        : undefined;
  if (!event || positionals.length !== 3 || values.remote || Number.isNaN(event.loops) || Number.isNaN(event.windowSeconds)) {
    console.error(USAGE);
    process.exit(2);
  }
  const proxy = await localPlatform(values["persist-to"]);
  try {
    const row = await scheduleEvent(database(proxy.env.DB), event, nowMs);
    console.log(`scheduled ${row.kind} ${row.id}: title ${row.titleId}, ${new Date(row.startsAt).toISOString()} → ${new Date(row.endsAt).toISOString()}`);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    console.error(`${err.code}: ${err.message}`);
    process.exitCode = 2;
  } finally {
    await proxy.dispose();
  }
  process.exit();
}
const [command, email] = positionals;
if (command !== "grant" || !email || positionals.length !== 2 || !/^[^\s@]+@[^\s@]+$/.test(email)) {
  console.error(USAGE);
  process.exit(2);
}

if (values.remote) {
  // The deployed database: one statement through wrangler (the e-mail is a bound literal, quotes doubled).
  const literal = `'${email.trim().toLowerCase().replaceAll("'", "''")}'`;
  execFileSync(
    "npx",
    ["wrangler", "d1", "execute", "DB", "--remote", "--command", `INSERT OR IGNORE INTO operators (account_id, granted_at) SELECT id, ${Date.now()} FROM accounts WHERE email = ${literal}`],
    { stdio: "inherit" },
  );
  console.log(`granted the operator role to ${email} (if the account exists) on the deployed database`);
} else {
  const proxy = await localPlatform(values["persist-to"]);
  try {
    if (!(await grantOperator(database(proxy.env.DB), email, Date.now()))) {
      console.error(`no account with the e-mail ${email}`);
      process.exitCode = 2;
    } else {
      console.log(`${email} is an operator: /ops opens the operations console`);
    }
  } finally {
    await proxy.dispose();
  }
}
