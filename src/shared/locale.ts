/** The languages whose catalogues the messages have; English is the last resort. */
export const LANGUAGES = ['en', 'de', 'fr', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A BCP 47 tag as Intl spells it ("de-at" -> "de-AT"), or null when it is not one. */
export function canonicalLocale(tag: string): string | null {
  if (tag.length === 0 || tag.length > 35) return null;
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
}

const languageOf = (tag: string) => tag.split('-')[0]?.toLowerCase() ?? '';

export const isLanguage = (value: string): value is Language =>
  (LANGUAGES as readonly string[]).includes(value);

/** Whether a tag names a language that has a catalogue (any region or script of it). */
export function hasCatalogue(tag: string): boolean {
  return isLanguage(languageOf(tag));
}

/**
 * The language of a message and the locale its dates and prices are written in: the first tag
 * with a catalogue (the customer's, then the business's), else English. English without a region
 * is written the British way, as every email was before languages.
 */
export function chooseLocale(...tags: ReadonlyArray<string | null | undefined>): {
  language: Language;
  locale: string;
} {
  for (const tag of tags) {
    if (!tag) continue;
    const language = languageOf(tag);
    if (isLanguage(language)) return { language, locale: tag === 'en' ? 'en-GB' : tag };
  }
  return { language: 'en', locale: 'en-GB' };
}
