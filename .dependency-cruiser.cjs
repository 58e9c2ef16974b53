/**
 * The lines between packages and layers (README "Architecture": the rules the code keeps), checked
 * by test/architecture.test.ts in every `npm test`.
 */
const DRIVERS =
  'node_modules/(fastify|@fastify|drizzle-orm|pg|@electric-sql|amqplib|ioredis|nodemailer|undici|jose|rate-limiter-flexible)/';

module.exports = {
  forbidden: [
    {
      name: 'no-cross-service-imports',
      comment:
        'A service reaches another only over HTTP or events, never by importing it. (Tests may start several services to test them together.)',
      severity: 'error',
      from: { path: '^services/([^/]+)/src/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'domain-imports-no-framework-or-driver',
      comment: 'domain/ holds the rules; adapters implement its ports.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/domain/' },
      to: { path: DRIVERS },
    },
    {
      name: 'domain-imports-no-adapter',
      comment: 'domain/ depends on nothing of its own service but domain/.',
      severity: 'error',
      from: { path: '^services/([^/]+)/src/domain/' },
      to: { path: '^services/$1/src/', pathNot: '^services/$1/src/domain/' },
    },
    {
      name: 'domain-imports-only-platform-errors',
      comment: 'From platform, the domain may use the error types and nothing that does I/O.',
      severity: 'error',
      from: { path: '^services/[^/]+/src/domain/' },
      to: { path: '^packages/platform/', pathNot: '^packages/platform/src/errors\\.ts$' },
    },
    {
      name: 'packages-import-no-service-or-app',
      comment: 'platform and contracts hold no business rule and know no service.',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^(services|apps)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^(packages|services|apps)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(/dist/|/data/)' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'default', 'node'] },
  },
};
