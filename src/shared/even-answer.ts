import { setTimeout as sleep } from 'node:timers/promises';

/** An answer that must not tell by its time whether something exists comes no sooner than this. */
export const EVEN_ANSWER_MS = 400;

/** Waits until EVEN_ANSWER_MS after `started` (a `performance.now()` reading). */
export const answerEvenly = (started: number) =>
  sleep(Math.max(0, EVEN_ANSWER_MS - (performance.now() - started)));
