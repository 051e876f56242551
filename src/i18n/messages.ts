import { IntlMessageFormat } from 'intl-messageformat';
import { chooseLocale, type Language } from '../shared/locale.js';
import { de } from './de.js';
import { type Catalogue, en, type MessageKey } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';

export type { MessageKey } from './en.js';

export const CATALOGUES: Record<Language, Catalogue> = { en, de, fr, es };

export type MessageValues = Record<string, string | number>;

/** Compiled messages: at most one per language and key, a fixed set. */
const compiled = new Map<string, IntlMessageFormat>();

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
      const id = `${language}\u0000${key}`;
      let format = compiled.get(id);
      if (!format) {
        format = new IntlMessageFormat(CATALOGUES[language][key], language);
        compiled.set(id, format);
      }
      // Values are text, never parsed as messages; the result is plain text (escaped by the template).
      return String(format.format(values));
    },
  };
}
