/**
 * A plan change (what billing calls; no viewer route sets a plan). The plan is
 * a fact every access token carries, so the account's object is told: tokens
 * issued before the change are sent to refresh on personal routes, where the
 * plan decides quality, streams and downloads, and a refresh states the new plan.
 */
import type { Plan } from "../../common/plans.ts";
import { setAccountPlan } from "../db/accounts.ts";
import type { Db } from "../db/client.ts";
import { viewerState } from "../progress/stub.ts";

/** Sets the account's plan; false when there is no such account. */
export async function changePlan(env: Env, db: Db, accountId: string, plan: Plan): Promise<boolean> {
  if (!(await setAccountPlan(db, accountId, plan))) return false;
  await viewerState(env, accountId).sessionFactsChanged();
  return true;
}
