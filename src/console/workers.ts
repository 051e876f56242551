// The editor's workers, bundled beside the console and loaded from this origin (CSP 'self').
const WORKERS: Record<string, string> = {
  json: '/console/json.worker.js',
  graphql: '/console/graphql.worker.js',
};

(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    return new Worker(WORKERS[label] ?? '/console/editor.worker.js');
  },
};
