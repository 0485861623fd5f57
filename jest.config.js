/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleNameMapper: {
    '^@calbridge/([a-z-]+)$': '<rootDir>/libs/$1/src',
    '^@calbridge/([a-z-]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/**/*.test.ts'],
  // The fault suite runs on its own (npm run test:faults, jest.faults.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // Two cores: two test files at a time, each with its own database and queue prefix.
  maxWorkers: 2,
  // Also makes jest run every file in a worker process (never "in band", even a single file), so
  // the NODE_EXTRA_CA_CERTS set by the global setup (emulator CA, test/support/emulator-ca.ts)
  // takes effect for the Graph SDK's TLS. Workers above the limit are recycled between files.
  workerIdleMemoryLimit: '1GB',
  testTimeout: 60_000,
  // Every test stops what it starts; a hanging handle is a bug, reported rather than hidden.
  forceExit: false,
};
