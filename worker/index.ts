import { app } from "./app.ts";
import { runQoeSchedule } from "./qoe/schedule.ts";

export type { AppType } from "./app.ts";
export { SignInLimiter } from "./auth/sign-in-limiter.ts";
export { LiveChannel } from "./live/channel.ts";
export { SteeringState } from "./media/steering-state.ts";
export { ViewerState } from "./progress/viewer-state.ts";
export { QoeShard } from "./qoe/qoe-shard.ts";
export { StatisticsShard } from "./stats/statistics-shard.ts";

export default {
  fetch: app.fetch,
  /** The minute cron: QoE alerts (qoe/schedule.ts). */
  scheduled(controller, env, ctx) {
    ctx.waitUntil(runQoeSchedule(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
