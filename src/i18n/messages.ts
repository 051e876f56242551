import { IntlMessageFormat } from 'intl-messageformat';
import { memo } from '../cache/memo.js';
import { chooseLocale, type Language } from '../shared/locale.js';
import { de } from './de.js';
import { type Catalogue, en, type MessageKey } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';

export type { MessageKey } from './en.js';

export const CATALOGUES: Record<Language, Catalogue> = { en, de, fr, es };

export type MessageValues = Record<string, string | number>;

/** Compiled messages: one per language and key, a fixed set. */
const compiled = memo((id: string) => {
  const [language, key] = id.split('\u0000') as [Language, MessageKey];
  return new IntlMessageFormat(CATALOGUES[language][key], language);
}, 1024);

/** The words and formats of one reader: their language, and the locale of dates and prices. */
export interface Messages {
  language: Language;
  locale: string;
  t(key: MessageKey, values?: MessageValues): string;
}

/** The messages of the first tag with a catalogue (the customer's, the business's), else English. */
export function messagesFor(...tags: ReadonlyArray<string | null | undefined>): Messages {
  const { language, locale } = chooseLocale(...tags);
  return {
    language,
    locale,
    t(key, values = {}) {
      const format = compiled(`${language}\u0000${key}`);
      // Values are text, never parsed as messages; the result is plain text (escaped by the template).
      return String(format.format(values));
    },
  };
}
