// Decorator metadata (TypeGraphQL, MikroORM) must be available before any entity is loaded.
import 'reflect-metadata';
