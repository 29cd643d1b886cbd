/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // test/measure needs the machine to itself: jest.measure.config.js runs it alone, afterwards.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/measure/'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Integration tests start real HTTP servers; two workers match the CI machine.
  maxWorkers: 2,
  testTimeout: 60000,
};
