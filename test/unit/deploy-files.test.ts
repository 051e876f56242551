import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../src/shared/paths.js';

/** No Docker engine runs here: check what can be checked without one. */
const read = (file: string) => readFile(path.join(PROJECT_ROOT, file), 'utf8');

describe('docker-compose.yml', () => {
  it('parses, and runs PostgreSQL and the app with health checks', async () => {
    const compose = parse(await read('docker-compose.yml')) as {
      services: Record<
        string,
        {
          healthcheck?: { test: unknown };
          depends_on?: Record<string, { condition: string }>;
          environment?: Record<string, string>;
          build?: string;
          image?: string;
        }
      >;
    };
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'postgres']);
    expect(compose.services.postgres?.image).toMatch(/^postgres:1[5-9]/);
    expect(compose.services.postgres?.healthcheck?.test).toBeTruthy();
    const app = compose.services.app;
    expect(app?.build).toBe('.');
    expect(app?.healthcheck?.test).toEqual(
      expect.arrayContaining([expect.stringContaining('/readyz')]),
    );
    expect(app?.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(app?.environment?.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\/booking$/);
    expect(app?.environment?.NODE_ENV).toBe('production');
    // Every variable production requires is passed through.
    for (const name of ['PLATFORM_ADMIN_TOKEN', 'SECRET_KEY', 'SMTP_HOST']) {
      expect(app?.environment?.[name]).toContain(name);
    }
  });
});

describe('Dockerfile', () => {
  it('builds in stages on Node 24 with the commands CI runs, and runs as a non-root user', async () => {
    const dockerfile = await read('Dockerfile');
    const lines = dockerfile.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
    const froms = lines.filter((l) => l.startsWith('FROM '));
    expect(froms).toHaveLength(2);
    for (const from of froms) expect(from).toMatch(/^FROM node:24[-\w]* AS \w+$/);
    const runs = lines.filter((l) => l.startsWith('RUN ')).map((l) => l.slice(4));
    const packageJson = JSON.parse(await read('package.json')) as {
      scripts: Record<string, string>;
    };
    const ci = await read('.ci/run');
    for (const run of runs) {
      const script = /^npm run (\S+)/.exec(run)?.[1];
      if (script) expect(packageJson.scripts[script], `npm run ${script}`).toBeDefined();
      else expect(run).toMatch(/^npm (ci|prune) /);
    }
    expect(runs.some((r) => r.startsWith('npm ci'))).toBe(true);
    expect(ci).toContain('npm ci');
    expect(runs).toContain('npm run build');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*/m);
    // The file itself, which runs with the V8 flags of its first line.
    expect(runtime).toMatch(/^CMD \["dist\/src\/main\.js"\]$/m);
    const copies = lines.filter((l) => l.startsWith('COPY ') && !l.includes('--from')).join(' ');
    // Everything `npm run build` reads: the sources, migrations, and the console's build script.
    const build = (JSON.parse(await read('package.json')) as { scripts: Record<string, string> })
      .scripts.build;
    expect(build).toContain('scripts/build-console.mjs');
    for (const copied of [
      'package-lock.json',
      'src',
      'migrations',
      'scripts',
      'tsconfig.json',
      'tsconfig.build.json',
    ]) {
      expect(copies.split(/\s+/)).toContain(copied);
    }
  });
});

describe('the server process', () => {
  it('is started the same way everywhere: the built file itself, with the memory settings of its first line', async () => {
    const main = await read('src/main.ts');
    expect(main.split('\n')[0]).toBe(
      '#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=8 --heap-growing-percent=20',
    );
    const pkg = JSON.parse(await read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('npm run build && dist/src/main.js');
    expect(pkg.scripts.build).toContain("chmodSync('dist/src/main.js',0o755)");
    const bench = await read('bench/bench.ts');
    expect(bench).toContain("spawn(path.join(PROJECT_ROOT, 'dist/src/main.js'), [],");
  });
});
