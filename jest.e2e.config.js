/**
 * End-to-end tests against a real n8n (npm run test:e2e). Slow: they install n8n into a cache
 * folder outside the package on first use, then start n8n processes; so one file at a time.
 * Named *.e2e.ts so the unit suite (jest.config.js) never picks them up.
 */
/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
	setupFiles: ['<rootDir>/test/setup-env.js'],
	globalSetup: '<rootDir>/test/e2e/global-setup.js',
	globalTeardown: '<rootDir>/test/e2e/global-teardown.js',
	testTimeout: 20 * 60 * 1000,
	maxWorkers: 1,
	verbose: true,
};
