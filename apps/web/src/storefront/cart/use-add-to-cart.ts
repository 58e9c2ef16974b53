import { useCallback, useRef, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { ApiError, describeError } from '../../api/problem';
import { useSession } from '../../session/session';
import { signInPath } from '../common/next-path';
import { useCart } from './cart-context';

/**
 * "Add to cart": the cart belongs to a signed-in customer, so anyone else is sent to sign
 * in and brought back to this page. One add at a time (`busy`); `failure` says why the last
 * one did not happen. Resolves true when added (the drawer opens).
 */
export function useAddToCart() {
  const { status } = useSession();
  const { add } = useCart();
  const navigate = useNavigate();
  const location = useLocation();
  const here = location.pathname + location.search;
  const running = useRef(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const addToCart = useCallback(
    async (product: { id: number; name: string }, quantity: number): Promise<boolean> => {
      if (running.current) return false;
      if (status !== 'signed-in') {
        navigate(signInPath(here));
        return false;
      }
      running.current = true;
      setBusy(true);
      setFailure(null);
      try {
        await add(product, quantity);
        return true;
      } catch (error) {
        // The session ended meanwhile (it was revoked, say): sign in again, then come back.
        if (error instanceof ApiError && error.status === 401) navigate(signInPath(here));
        else setFailure(describeError(error));
        return false;
      } finally {
        running.current = false;
        setBusy(false);
      }
    },
    [status, add, navigate, here],
  );

  return { addToCart, busy, failure };
}
