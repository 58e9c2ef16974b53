import { defineConfig } from 'drizzle-kit';

/** The in-process bus's tables. From packages/platform: npx drizzle-kit generate --config src/messaging/drizzle.config.ts */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/messaging/message-store-schema.ts',
  out: './src/messaging/migrations',
  schemaFilter: ['bus'],
});
