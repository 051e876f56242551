/**
 * Configuration for MikroORM tooling run against DATABASE_URL. The application itself builds
 * its configuration in src/db/orm-config.ts (it may start an embedded PostgreSQL first); the
 * project's own migration commands are `npm run migration:create` and `npm run migration:up`.
 */
import 'reflect-metadata';
import { createOrmConfig } from './src/db/orm-config.js';

export default createOrmConfig({
  clientUrl: process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:54329/booking',
});
