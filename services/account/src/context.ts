import type { Auth, Logger } from '@shop/platform';
import type { ClientCredentialsDeps } from './domain/client-credentials.ts';
import type { ManageUsersDeps } from './domain/manage-users.ts';
import type { PasswordGrantDeps } from './domain/password-grant.ts';
import type { RefreshGrantDeps } from './domain/refresh-grant.ts';
import type { RegisterDeps } from './domain/register.ts';
import type { RevocationsDeps } from './domain/revocations.ts';
import type { KeyRing } from './keys/key-ring.ts';

/** Everything the routes hand to the use cases, built once in app.ts. */
export interface AccountContext {
  passwordGrant: PasswordGrantDeps;
  refreshGrant: RefreshGrantDeps;
  clientCredentials: ClientCredentialsDeps;
  manageUsers: ManageUsersDeps;
  register: RegisterDeps;
  revocations: RevocationsDeps;
  keyRing: KeyRing;
  auth: Auth;
  /** Base URL clients use: issuer and the base of metadata URLs. */
  publicUrl: string;
  logger: Logger;
}
