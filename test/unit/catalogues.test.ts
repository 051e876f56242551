import { parse, TYPE } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.js';
import { CATALOGUES, messagesFor } from '../../src/i18n/messages.js';
import { chooseLocale } from '../../src/shared/locale.js';

/** The argument names a message uses, however deep (inside plurals too). */
function argumentsOf(message: string): string[] {
  const names = new Set<string>();
  const walk = (elements: ReturnType<typeof parse>) => {
    for (const e of elements) {
      if (e.type === TYPE.literal || e.type === TYPE.pound) continue;
      if ('value' in e && typeof e.value === 'string') names.add(e.value);
      if ('options' in e) {
        for (const option of Object.values(e.options)) walk(option.value);
      }
    }
  };
  walk(parse(message));
  return [...names].sort();
}

describe('message catalogues', () => {
  for (const [language, catalogue] of Object.entries(CATALOGUES)) {
    it(`${language} has every English key, each parsing, with the same arguments`, () => {
      expect(Object.keys(catalogue).sort()).toEqual(Object.keys(en).sort());
      for (const [key, message] of Object.entries(catalogue)) {
        const english = en[key as keyof typeof en];
        expect({ key, args: argumentsOf(message) }).toEqual({ key, args: argumentsOf(english) });
      }
    });
  }

  it('a catalogue in another language differs from English where there are words', () => {
    // Words that are the same in both languages.
    const alike: Record<string, string[]> = { de: ['label.status'], fr: [], es: [] };
    for (const language of ['de', 'fr', 'es'] as const) {
      const same = Object.entries(CATALOGUES[language]).filter(
        ([key, text]) =>
          en[key as keyof typeof en] === text && /[a-z]{3}/i.test(text.replace(/\{[^}]*\}/g, '')),
      );
      expect(same.map(([key]) => key)).toEqual(alike[language]);
    }
  });

  it('takes the customer’s language, else the business’s, else English', () => {
    expect(chooseLocale('de-AT', 'fr')).toEqual({ language: 'de', locale: 'de-AT' });
    expect(chooseLocale('ja', 'fr')).toEqual({ language: 'fr', locale: 'fr' });
    expect(chooseLocale(null, 'es-MX')).toEqual({ language: 'es', locale: 'es-MX' });
    expect(chooseLocale('ja', 'xx')).toEqual({ language: 'en', locale: 'en-GB' });
    expect(chooseLocale('en-US')).toEqual({ language: 'en', locale: 'en-US' });
  });

  it('fills arguments as text, never as message syntax, and plurals by language', () => {
    const m = messagesFor('fr');
    expect(m.t('note.reason', { reason: "l'heure {when} ne va pas" })).toBe(
      "Motif : l'heure {when} ne va pas",
    );
    const de = messagesFor('de');
    expect(de.t('page.tooLate', { hours: 1, business: 'Salon' })).toContain('1 Stunde vor');
    expect(de.t('page.tooLate', { hours: 24, business: 'Salon' })).toContain('24 Stunden vor');
  });
});
