import v8 from 'node:v8';

/**
 * V8's memory settings for the server process (docs/PERFORMANCE.md, "Memory"). Left to
 * itself on a machine with plenty of memory, V8 gives the young generation two 64 MB
 * semi-spaces and lets the old generation grow to about four times what is live before it
 * collects, and it keeps the pages it frees for reuse: the server idled at 180 MB and ended
 * the bench at 430-530 MB with 60-80 MB live.
 */

/**
 * Given on the command line, because they size the heap when it is made: `npm start`, the
 * Dockerfile and the bench start the server with them (test/unit/runtime-flags.test.ts
 * checks that they agree). Semi-spaces of 8 MB: a scavenge every few milliseconds under
 * load is still cheap, because almost nothing a request allocates outlives it.
 */
export const NODE_FLAGS = ['--max-semi-space-size=8'] as const;

/**
 * The old generation may grow by a fifth of what was live after the last full collection
 * before the next one (instead of up to four times). V8 reads this at every full
 * collection, so setting it at start-up is enough. A growth factor rather than a fixed
 * ceiling (`--max-old-space-size`), so that a full response cache or a large export only
 * makes collections more frequent, never runs out of heap. With 60 MB live, a full
 * collection (10-20 ms, mostly incremental) comes every 12 MB promoted: against 50%, the
 * bench ended 20-50 MB smaller for about 3% of createBooking's throughput.
 */
export const HEAP_GROWING_PERCENT = 20;

export function applyHeapSettings(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
