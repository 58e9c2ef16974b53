import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { type Api, createApi, unwrap } from '../api/client';
import { ApiError } from '../api/problem';
import type { TokenResponse, User } from '../api/types';

/** Where the refresh token is kept between visits (the access token stays in memory only). */
const STORAGE_KEY = 'shop.refresh-token';
/** Renew this long before the access token expires, so no request goes out with a stale one. */
const RENEW_BEFORE_MS = 60_000;

export type SessionStatus = 'restoring' | 'signed-out' | 'signed-in';

export interface Session {
  status: SessionStatus;
  user: User | null;
  isAdmin: boolean;
  /** The API, sending this session's access token. */
  api: Api;
  signIn(email: string, password: string): Promise<void>;
  signUp(input: { email: string; name: string; password: string }): Promise<void>;
  signOut(): Promise<void>;
  /** The user as the account service has it now (after a profile change, say). */
  reload(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

interface Tokens {
  access: string;
  refresh: string | undefined;
  /** When the access token expires, in ms since the epoch. */
  expiresAt: number;
}

/**
 * The signed-in user and their tokens. Signing in keeps the refresh token (in local storage,
 * so a reload stays signed in) and renews the access token a minute before it expires;
 * signing out revokes the refresh token at the server. A token the server refuses (the
 * account was deactivated, the password changed elsewhere) ends the session here too.
 */
export function SessionProvider({ children, baseUrl = '' }: { children: ReactNode; baseUrl?: string }) {
  const tokens = useRef<Tokens | null>(null);
  const renewal = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const [status, setStatus] = useState<SessionStatus>('restoring');
  const [user, setUser] = useState<User | null>(null);
  // Bumped when the session ends: a user read still on its way then (React's second run of the
  // start-up effect reads it twice) must not sign the user back in.
  const epoch = useRef(0);

  const end = useCallback(() => {
    epoch.current++;
    clearTimeout(renewal.current);
    tokens.current = null;
    localStorage.removeItem(STORAGE_KEY);
    setUser(null);
    setStatus('signed-out');
  }, []);

  const api = useMemo(() => {
    const client = createApi(() => tokens.current?.access, baseUrl);
    client.use({
      onResponse({ request, response }) {
        const authenticated = request.headers.has('authorization');
        if (authenticated && response.status === 401 && !new URL(request.url).pathname.startsWith('/api/auth/')) end();
        return response;
      },
    });
    return client;
  }, [baseUrl, end]);

  const loadUser = useCallback(async () => {
    const mine = epoch.current;
    const me = await unwrap(api.GET('/api/account/me'));
    if (mine !== epoch.current) return;
    setUser(me);
    setStatus('signed-in');
  }, [api]);

  const keep = useCallback(
    (response: TokenResponse, renew: (refreshToken: string) => Promise<void>) => {
      const refresh = response.refresh_token ?? tokens.current?.refresh;
      tokens.current = { access: response.access_token, refresh, expiresAt: Date.now() + response.expires_in * 1000 };
      if (refresh) localStorage.setItem(STORAGE_KEY, refresh);
      clearTimeout(renewal.current);
      if (refresh) {
        const wait = Math.max(5_000, response.expires_in * 1000 - RENEW_BEFORE_MS);
        renewal.current = setTimeout(() => void renew(refresh).catch(end), wait);
      }
    },
    [end],
  );

  // One renewal at a time: a refresh token works once (a second use revokes the whole
  // session), so concurrent callers (a double-run effect, the timer) share one request.
  const inFlight = useRef<{ token: string; done: Promise<void> } | null>(null);
  const renew = useCallback(
    (refreshToken: string): Promise<void> => {
      if (inFlight.current?.token === refreshToken) return inFlight.current.done;
      const done = unwrap(
        api.POST('/api/auth/token', {
          body: { grant_type: 'refresh_token', refresh_token: refreshToken },
          bodySerializer: (body) => new URLSearchParams(body as Record<string, string>).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      ).then((response) => keep(response, renew));
      inFlight.current = { token: refreshToken, done };
      return done;
    },
    [api, keep],
  );

  useEffect(() => {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (!stored) {
      setStatus('signed-out');
      return;
    }
    renew(stored).then(loadUser).catch(end);
    return () => clearTimeout(renewal.current);
  }, [renew, loadUser, end]);

  const signIn = useCallback(
    async (email: string, password: string) => {
      keep(await unwrap(api.POST('/api/auth/login', { body: { email, password } })), renew);
      await loadUser();
    },
    [api, keep, renew, loadUser],
  );

  const signUp = useCallback(
    async (input: { email: string; name: string; password: string }) => {
      await unwrap(api.POST('/api/auth/register', { body: input }));
      await signIn(input.email, input.password);
    },
    [api, signIn],
  );

  const signOut = useCallback(async () => {
    const refresh = tokens.current?.refresh;
    end();
    if (refresh) {
      await api
        .POST('/api/auth/revoke', {
          body: { token: refresh },
          bodySerializer: (body) => new URLSearchParams(body as Record<string, string>).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })
        .catch(() => undefined); // signed out here either way; the token expires by itself
    }
  }, [api, end]);

  const reload = useCallback(async () => {
    try {
      await loadUser();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) end();
      else throw error;
    }
  }, [loadUser, end]);

  const value = useMemo<Session>(
    () => ({ status, user, isAdmin: user?.role === 'admin', api, signIn, signUp, signOut, reload }),
    [status, user, api, signIn, signUp, signOut, reload],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() outside <SessionProvider>');
  return session;
}
