import { useState } from 'react';
import { Link } from 'react-router';
import { useSession } from '../../session/session';
import { Field } from '../../ui/field';
import { signInPath } from '../common/next-path';
import { AuthForm } from './auth-form';

/** Sign in, then go where `?next=` says (the page that asked), or to the catalog. */
export function SignInPage() {
  const session = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  return (
    <AuthForm
      title="Sign in"
      fields={['email', 'password']}
      submit={() => session.signIn(email.trim(), password)}
      submitLabel="Sign in"
      footer={(next) => (
        <p>
          New here? <Link to={next === '/' ? '/signup' : signInPath(next, 'signup')}>Create an account</Link>
        </p>
      )}
    >
      {(errors) => (
        <>
          <Field id="signin-email" label="E-mail" error={errors.email}>
            {(control) => (
              <input
                {...control}
                type="email"
                name="email"
                autoComplete="username"
                required
                value={email}
                onChange={(event) => setEmail(event.target.value)}
              />
            )}
          </Field>
          <Field id="signin-password" label="Password" error={errors.password}>
            {(control) => (
              <input
                {...control}
                type="password"
                name="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(event) => setPassword(event.target.value)}
              />
            )}
          </Field>
        </>
      )}
    </AuthForm>
  );
}
