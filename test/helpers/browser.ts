import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/shared/paths.js';

/** Debian's Chromium (.ci/run installs it); playwright-core downloads no browser of its own. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A headless Chromium for the browser tests; a clear error when it is not installed. */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium package (.ci/run does)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Where a test saves a screenshot: always under .data/test-artifacts/ (git-ignored); with
 * UPDATE_SCREENSHOTS=1 also the copy in docs/.
 */
export function screenshotPaths(name: string): string[] {
  return [
    path.join(PROJECT_ROOT, '.data', 'test-artifacts', name),
    ...(process.env.UPDATE_SCREENSHOTS === '1' ? [path.join(PROJECT_ROOT, 'docs', name)] : []),
  ];
}
