import { useState } from 'react';
import { Link } from 'react-router';
import { useSession } from '../../session/session';
import { Field } from '../../ui/field';
import { signInPath } from '../common/next-path';
import { AuthForm } from './auth-form';

/** Create a customer account (signed in at once), then go where `?next=` says. */
export function SignUpPage() {
  const session = useSession();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  return (
    <AuthForm
      title="Create an account"
      fields={['name', 'email', 'password']}
      submit={() => session.signUp({ name: name.trim(), email: email.trim(), password })}
      submitLabel="Create account"
      footer={(next) => (
        <p>
          Have an account? <Link to={next === '/' ? '/signin' : signInPath(next)}>Sign in</Link>
        </p>
      )}
    >
      {(errors) => (
        <>
          <Field id="signup-name" label="Name" error={errors.name}>
            {(control) => (
              <input
                {...control}
                name="name"
                autoComplete="name"
                required
                value={name}
                onChange={(event) => setName(event.target.value)}
              />
            )}
          </Field>
          <Field id="signup-email" label="E-mail" error={errors.email}>
            {(control) => (
              <input
                {...control}
                type="email"
                name="email"
                autoComplete="email"
                required
                value={email}
                onChange={(event) => setEmail(event.target.value)}
              />
            )}
          </Field>
          <Field id="signup-password" label="Password" hint="8 to 128 characters." error={errors.password}>
            {(control) => (
              <input
                {...control}
                type="password"
                name="password"
                autoComplete="new-password"
                required
                minLength={8}
                maxLength={128}
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
