import { describe, expect, it } from 'vitest';
import { subdomainOf, tenantSources } from '../../src/tenancy/tenant-sources.js';

describe('tenant sources', () => {
  it('reads the subdomain under BASE_DOMAIN, ignoring port and case', () => {
    expect(subdomainOf('Acme.Booking.Test:4000', 'booking.test')).toBe('acme');
    expect(subdomainOf('booking.test', 'booking.test')).toBeUndefined();
    expect(subdomainOf('www.booking.test', 'booking.test')).toBeUndefined();
    expect(subdomainOf('acme.other.test', 'booking.test')).toBeUndefined();
    expect(subdomainOf('acme.booking.test', undefined)).toBeUndefined();
    expect(subdomainOf('evilbooking.test', 'booking.test')).toBeUndefined();
  });

  it('collects every source the request names, in order', () => {
    expect(
      tenantSources({
        host: 'acme.booking.test',
        xTenant: 'Acme',
        pathSlug: 'acme',
        baseDomain: 'booking.test',
      }),
    ).toEqual([
      { kind: 'subdomain', value: 'acme' },
      { kind: 'header', value: 'acme' },
      { kind: 'path', value: 'acme' },
    ]);
    expect(
      tenantSources({
        host: 'localhost:4000',
        xTenant: undefined,
        pathSlug: undefined,
        baseDomain: 'booking.test',
      }),
    ).toEqual([]);
  });
});
