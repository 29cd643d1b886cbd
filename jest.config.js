/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // test/measure needs the machine to itself: jest.measure.config.js runs it alone, afterwards.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/measure/'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // The AWS SDK's Node 20 notice is silenced as the gateway silences it (see that file).
  setupFiles: ['<rootDir>/src/datasources/s3/sdk-node-warning.ts'],
  // Integration tests start real HTTP servers; two workers match the CI machine.
  maxWorkers: 2,
  testTimeout: 60000,
};
