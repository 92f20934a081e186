// One jest run for the whole repo; each project is a folder of tests with its own needs.
const tsJest = ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }];
const base = {
  transform: { '^.+\\.ts$': tsJest },
  testEnvironment: 'node',
  rootDir: __dirname,
};
module.exports = {
  testTimeout: 60_000,
  projects: [
    // The package itself: unit tests and tests against real local servers it starts (HTTP, OTLP).
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/packages/oauth-otel/test/**/*.test.ts'] },
    // The observability stack against real Prometheus, OTel Collector and VictoriaLogs.
    { ...base, displayName: 'stack', testMatch: ['<rootDir>/stack/test/**/*.test.ts'] },
    // The examples: a real oidc-provider AS, the Next.js client, the browser.
    { ...base, displayName: 'examples', testMatch: ['<rootDir>/examples/*/test/**/*.test.ts'] },
  ],
};
