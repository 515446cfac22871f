/**
 * Import rules, checked by `npm run lint:deps` (part of `npm test`).
 * Layers, lowest first: common/ (shared by Worker and SPA) < worker/lib/ <
 * the rest of worker/ < worker/routes/ < worker/app.ts. The SPA takes only
 * types from the Worker, and values only from common/.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "No import cycle anywhere, type-only and dynamic imports included: a cycle hides which module is the lower one.",
      from: {},
      to: { circular: true },
    },
    {
      name: "common-is-the-bottom",
      severity: "error",
      comment: "common/ is imported by both the Worker and the SPA; it imports neither (nor tools, benchmarks or tests).",
      from: { path: "^common/" },
      to: { path: "^(worker|client|tools|bench|test)/" },
    },
    {
      name: "worker-not-to-client",
      severity: "error",
      comment: "The Worker never imports SPA code; what both need lives in common/.",
      from: { path: "^worker/" },
      to: { path: "^client/" },
    },
    {
      name: "client-only-types-from-worker",
      severity: "error",
      comment: "The SPA takes only types from the Worker (e.g. AppType for the typed client); shared values live in common/.",
      from: { path: "^client/" },
      to: { path: "^worker/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "client-no-zod",
      severity: "error",
      comment: "zod stays out of the SPA bundle: the SPA takes only types from zod and from common/schemas.ts.",
      from: { path: "^client/" },
      to: { path: "(^common/schemas\\.ts$)|(node_modules/zod/)", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "lib-imports-nothing-above",
      severity: "error",
      comment: "worker/lib/ is the Worker's lowest layer: it imports only lib/ and common/.",
      from: { path: "^worker/lib/" },
      to: { path: "^worker/", pathNot: "^worker/lib/" },
    },
    {
      name: "no-route-imports-a-route",
      severity: "error",
      comment: "Routes only translate HTTP; what two routes share is a domain module, not another route.",
      from: { path: "^worker/routes/" },
      to: { path: "^worker/routes/" },
    },
    {
      name: "only-the-app-mounts-routes",
      severity: "error",
      comment: "Domain code, middleware and the database layer never import a route; worker/app.ts composes them.",
      from: { path: "^worker/", pathNot: "^worker/(app\\.ts|routes/)" },
      to: { path: "^worker/routes/" },
    },
  ],
  options: {
    tsConfig: { fileName: "tsconfig.json" },
    // Type-only imports count too (a type cycle is still a cycle); they are only allowed where a rule says so.
    tsPreCompilationDeps: true,
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)node_modules/|^dist/|^\\.wrangler/" },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
