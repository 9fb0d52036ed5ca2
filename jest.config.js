// Two projects: fast unit tests next to the code, and end-to-end tests under test/ that start the real
// API and worker processes (built into dist/) against real Postgres and Redis.
const moduleNameMapper = {
  '^@app/(config|journey|db|queues|observability|crm|crm-testing|destinations)$': '<rootDir>/libs/$1/src',
  '^@app/(config|journey|db|queues|observability|crm|crm-testing|destinations)/(.*)$':
    '<rootDir>/libs/$1/src/$2',
};
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
};

/** @type {import('jest').Config} */
module.exports = {
  // End-to-end suites start real processes; a hook or test may take seconds. (Global: Jest ignores it per project.)
  testTimeout: 60000,
  // Safety net: a leaked socket must never keep CI waiting (children are stopped in each suite's afterAll).
  forceExit: true,
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'],
      moduleNameMapper,
      transform,
    },
    {
      displayName: 'e2e',
      rootDir: __dirname,
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      moduleNameMapper,
      transform,
    },
  ],
};
