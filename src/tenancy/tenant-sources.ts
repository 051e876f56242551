/** Where a request names its tenant (docs/DOMAIN_DECISIONS.md); every source present must agree. */
export interface TenantSource {
  kind: 'subdomain' | 'header' | 'path';
  /** A subdomain label for `subdomain`, a slug otherwise. */
  value: string;
}

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Host labels under BASE_DOMAIN of the platform's own, never a tenant's subdomain. */
export const RESERVED_LABELS: ReadonlySet<string> = new Set([
  'www',
  'api',
  'app',
  'admin',
  'console',
  'mail',
  'static',
  'status',
]);

export function subdomainOf(hostHeader: string | undefined, baseDomain: string | undefined) {
  if (!hostHeader || !baseDomain) return undefined;
  const host = hostHeader.trim().toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  const suffix = `.${baseDomain}`;
  if (!host.endsWith(suffix)) return undefined;
  const label = host.slice(0, -suffix.length);
  if (label === '' || RESERVED_LABELS.has(label)) return undefined;
  return label;
}

export function tenantSources(request: {
  host: string | undefined;
  xTenant: string | string[] | undefined;
  pathSlug: string | undefined;
  baseDomain: string | undefined;
}): TenantSource[] {
  const sources: TenantSource[] = [];
  const label = subdomainOf(request.host, request.baseDomain);
  if (label !== undefined) sources.push({ kind: 'subdomain', value: label });
  const header = Array.isArray(request.xTenant) ? request.xTenant.join(',') : request.xTenant;
  if (header !== undefined && header.trim() !== '') {
    sources.push({ kind: 'header', value: header.trim().toLowerCase() });
  }
  if (request.pathSlug !== undefined) {
    sources.push({ kind: 'path', value: request.pathSlug.toLowerCase() });
  }
  return sources;
}
