/** The data centre's cache (workerd's `caches.default`, which the DOM typing of CacheStorage lacks). */
export const edgeCache = (): Cache => (caches as unknown as { default: Cache }).default;
