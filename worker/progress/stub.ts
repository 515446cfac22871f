/** The account's ViewerState object (one per account id). */
export function viewerState(env: Env, accountId: string) {
  return env.VIEWER_STATE.get(env.VIEWER_STATE.idFromName(`account:${accountId}`));
}
