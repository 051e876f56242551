import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import type { TestApp } from './app.js';
import { waitFor } from './smtp.js';

/** Every message the local mail sink has written so far, parsed. */
export async function sunkMail(t: TestApp): Promise<ParsedMail[]> {
  const files = await readdir(t.mailSinkDir).catch(() => [] as string[]);
  return Promise.all(
    files.map(async (f) => simpleParser(await readFile(path.join(t.mailSinkDir, f)))),
  );
}

/** The message to `to` whose subject matches, once the sink has it. */
export function mailTo(t: TestApp, to: string, subject: RegExp): Promise<ParsedMail> {
  return waitFor(`mail to ${to} matching ${subject}`, async () =>
    (await sunkMail(t)).find(
      (m) => m.to && !Array.isArray(m.to) && m.to.text === to && subject.test(m.subject ?? ''),
    ),
  );
}
