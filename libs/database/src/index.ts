export * from './database.config';
export * from './database.module';
export * from './deployment-identity';
export * from './ensure-database';
export * from './migrate';
export * from './postgres-url';
export { MIGRATIONS } from './migrations';
export * from './query-result';
