/**
 * The fault suite (`npm run test:faults`): calbridge as separate processes on a Postgres and a
 * Redis of its own, under faults (test/faults). Not part of `npm test`; `.ci/run` runs it.
 * @type {import('jest').Config}
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
  testTimeout: 900_000,
};
