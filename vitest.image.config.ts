import { defineConfig } from 'vitest/config';

/**
 * `npm run test:image`: builds the container image and runs services from it. Kept out of
 * `npm test` (vitest.config.ts leaves test/image out): a first run downloads a Debian base
 * system and every npm dependency, and building takes minutes.
 */
export default defineConfig({
  test: {
    include: ['test/image/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 180_000,
    // The build: about 4 minutes on two busy cores from podman's layer cache's start, longer cold.
    hookTimeout: 40 * 60_000,
    env: { LOG_LEVEL: 'silent' },
  },
});
