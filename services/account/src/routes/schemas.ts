import { Page } from '@shop/platform';
import { Type } from 'typebox';
import { PASSWORD_MAX, PASSWORD_MIN } from '../domain/user.ts';

export const Problem = Type.Ref('Problem');

export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254, description: 'E-mail address' });
export const Password = Type.String({
  minLength: PASSWORD_MIN,
  maxLength: PASSWORD_MAX,
  description: 'Password, 8-128 characters',
});
/** PostgreSQL text cannot hold U+0000, so a name containing it is refused as malformed. */
export const NO_NUL = '^[^\\u0000]*$';
export const Name = Type.String({ minLength: 1, maxLength: 100, pattern: NO_NUL, description: 'Display name' });
export const Role = Type.Union([Type.Literal('customer'), Type.Literal('admin')]);

export const User = Type.Object(
  {
    id: Type.Integer(),
    email: Type.String(),
    name: Type.String(),
    role: Role,
    is_active: Type.Boolean(),
    created_at: Type.String({ format: 'date-time' }),
  },
  { description: 'A user account. Never carries the password hash.' },
);

export const UserPage = Page(User);

export const RegisterBody = Type.Object({ email: Email, name: Name, password: Password });

export const UpdateMeBody = Type.Object({
  name: Type.Optional(Name),
  password: Type.Optional(Password),
  current_password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX }),
});

export const AdminUpdateUserBody = Type.Object({
  role: Type.Optional(Role),
  is_active: Type.Optional(Type.Boolean()),
});

export const UserIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });

export const TokenResponse = Type.Object(
  {
    access_token: Type.String(),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer(),
    refresh_token: Type.Optional(Type.String()),
    scope: Type.String(),
  },
  { description: 'RFC 6749 §5.1 access token response' },
);

export const OAuthErrorResponse = Type.Object(
  { error: Type.String(), error_description: Type.Optional(Type.String()) },
  { description: 'RFC 6749 §5.2 error response' },
);

/** Token endpoint parameters (RFC 6749); unknown parameters are ignored as §3.2 requires. */
export const TokenRequest = Type.Object(
  {
    grant_type: Type.Optional(
      Type.String({ description: 'password, refresh_token or client_credentials', examples: ['password'] }),
    ),
    username: Type.Optional(Type.String({ description: 'password grant: the e-mail address' })),
    password: Type.Optional(Type.String({ description: 'password grant' })),
    refresh_token: Type.Optional(Type.String({ description: 'refresh_token grant' })),
    scope: Type.Optional(Type.String({ description: 'space-separated subset of the granted scopes' })),
    client_id: Type.Optional(Type.String()),
    client_secret: Type.Optional(Type.String({ description: 'client_secret_post; HTTP Basic is preferred' })),
  },
  { additionalProperties: true },
);

export const LoginRequest = Type.Object(
  {
    email: Type.Optional(Type.String()),
    username: Type.Optional(Type.String()),
    password: Type.Optional(Type.String()),
    grant_type: Type.Optional(Type.String()),
    scope: Type.Optional(Type.String()),
    client_id: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);

export const RevokeRequest = Type.Object(
  { token: Type.Optional(Type.String()), token_type_hint: Type.Optional(Type.String()) },
  { additionalProperties: true },
);
