import { outboxTable } from '@shop/platform';
import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Everything the account service stores lives in the `account` schema. */
export const account = pgSchema('account');

export const users = account.table(
  'users',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    /** Kept lower-cased: e-mail addresses compare case-insensitively. */
    email: text('email').notNull().unique(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: ['customer', 'admin'] })
      .notNull()
      .default('customer'),
    isActive: boolean('is_active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * Access tokens of this user issued (iat) before this whole second are refused: set by a
     * deactivation, a role change or a password change. Null: never revoked.
     */
    tokensValidAfter: timestamp('tokens_valid_after', { withTimezone: true }),
  },
  (table) => [
    index('users_role_active_idx').on(table.role).where(sql`${table.isActive}`),
    // The admin list: oldest first, by creation time then id.
    index('users_created_idx').on(table.createdAt, table.id),
    // GET /internal/revocations lists the recent ones.
    index('users_tokens_valid_after_idx').on(table.tokensValidAfter).where(sql`${table.tokensValidAfter} is not null`),
    check('users_role_check', sql`${table.role} in ('customer', 'admin')`),
  ],
);

export const refreshTokens = account.table(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Every token rotated from one login shares a family; reuse revokes the family. */
    familyId: uuid('family_id').notNull(),
    /** SHA-256 of the token: the token itself is never stored. */
    tokenHash: text('token_hash').notNull().unique(),
    /** The scopes granted at login; a refresh can narrow them, never widen them. */
    scope: text('scope').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    rotatedAt: timestamp('rotated_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (table) => [index('refresh_tokens_family_idx').on(table.familyId), index('refresh_tokens_user_idx').on(table.userId)],
);

export const signingKeys = account.table(
  'signing_keys',
  {
    kid: text('kid').primaryKey(),
    alg: text('alg').notNull(),
    publicJwk: jsonb('public_jwk').$type<Record<string, unknown>>().notNull(),
    /** The private JWK in the clear: only while SIGNING_KEY_ENCRYPTION_KEY is not configured. */
    privateJwk: jsonb('private_jwk').$type<Record<string, unknown>>(),
    /** The private JWK as a compact JWE (dir, A256GCM) under SIGNING_KEY_ENCRYPTION_KEY. */
    privateJwkEncrypted: text('private_jwk_encrypted'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
  },
  (table) => [
    // Exactly one form of the private key: never both, so the plaintext cannot linger.
    check(
      'signing_keys_private_one_form',
      sql`(${table.privateJwk} is null) <> (${table.privateJwkEncrypted} is null)`,
    ),
  ],
);

export const outbox = outboxTable(account);
