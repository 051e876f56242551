/**
 * GraphiQL 5's editor (Monaco) runs its language services in web workers: the three workers
 * are bundled beside the console by scripts/build-console.mjs and loaded from this origin,
 * so the CSP's script-src 'self' covers them and nothing comes from a CDN.
 */
const WORKERS: Record<string, string> = {
  json: '/console/json.worker.js',
  graphql: '/console/graphql.worker.js',
};

(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    return new Worker(WORKERS[label] ?? '/console/editor.worker.js');
  },
};
