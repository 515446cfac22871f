/**
 * `npm run admin -- grant <email> [--persist-to DIR]`
 *
 * Makes an existing account an operator: it may open the operations console
 * (/ops, /api/ops). Writes to the local D1 that `npm start` serves
 * (.wrangler/state); `--remote` grants on the deployed database instead.
 * Exit 2 with a message when the command or the account is wrong.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { getPlatformProxy } from "wrangler";
import { database } from "../../worker/db/client.ts";
import { grantOperator } from "../../worker/db/qoe.ts";

const USAGE = "usage: npm run admin -- grant <email> [--persist-to DIR | --remote]";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { "persist-to": { type: "string" }, remote: { type: "boolean", default: false }, help: { type: "boolean", default: false } },
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
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
  const proxy = await getPlatformProxy<Env>({ persist: values["persist-to"] ? { path: join(values["persist-to"], "v3") } : true });
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
