import { describe, expect, it } from 'vitest';
import { RenderedData, stringifyCachedResult } from '../../src/cache/answers.js';

describe('stringifyCachedResult', () => {
  const data = { slots: [{ startsAt: '2026-01-05T09:00:00.000Z', note: 'ü "q" \n' }] };

  it('writes a kept answer from its text, the same JSON as the answer it was kept from', () => {
    const kept = stringifyCachedResult({
      data: new RenderedData(JSON.stringify(data)) as unknown as Record<string, unknown>,
    });
    expect(kept).toBe(`${JSON.stringify({ data })}\n`);
  });

  it('still writes the right JSON when something was added to a kept answer', () => {
    const text = stringifyCachedResult({
      data: new RenderedData(JSON.stringify(data)) as unknown as Record<string, unknown>,
      extensions: { traced: true },
    });
    expect(JSON.parse(text)).toEqual({ data, extensions: { traced: true } });
  });

  it('writes any other result as JSON and a newline', () => {
    const result = { errors: [{ message: 'No' }], data: null };
    expect(stringifyCachedResult(result)).toBe(`${JSON.stringify(result)}\n`);
  });
});
