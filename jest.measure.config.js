/**
 * test/measure: figures that need the machine to themselves (memory and latency under load), so
 * they run one at a time after the other tests (`npm run test:measure`, part of `npm test`).
 * @type {import('jest').Config}
 */
const base = require('./jest.config');

module.exports = { ...base, testMatch: ['<rootDir>/test/measure/**/*.test.ts'], testPathIgnorePatterns: ['/node_modules/'], maxWorkers: 1, testTimeout: 300000 };
