import { app } from "./app.ts";
import { SignInLimiter as SignInLimiterObject } from "./auth/sign-in-limiter.ts";
import { metered, meteredEnv } from "./lib/load-meter.ts";
import { LiveChannel as LiveChannelObject } from "./live/channel.ts";
import { SteeringState as SteeringStateObject } from "./media/steering-state.ts";
import { ViewerState as ViewerStateObject } from "./progress/viewer-state.ts";
import { QoeShard as QoeShardObject } from "./qoe/qoe-shard.ts";
import { runQoeSchedule } from "./qoe/schedule.ts";
import { StatisticsShard as StatisticsShardObject } from "./stats/statistics-shard.ts";

export type { AppType } from "./app.ts";

// The Durable Object classes, each counting its requests and D1 queries in local development (lib/load-meter.ts).
export class SignInLimiter extends metered(SignInLimiterObject, "SignInLimiter") {}
export class LiveChannel extends metered(LiveChannelObject, "LiveChannel") {}
export class SteeringState extends metered(SteeringStateObject, "SteeringState") {}
export class ViewerState extends metered(ViewerStateObject, "ViewerState") {}
export class QoeShard extends metered(QoeShardObject, "QoeShard") {}
export class StatisticsShard extends metered(StatisticsShardObject, "StatisticsShard") {}

export default {
  fetch: (request, env, ctx) => app.fetch(request, meteredEnv(env), ctx),
  /** The minute cron: QoE alerts (qoe/schedule.ts). */
  scheduled(controller, env, ctx) {
    ctx.waitUntil(runQoeSchedule(meteredEnv(env), controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
