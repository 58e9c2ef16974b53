import { useLocation } from 'react-router';

/** What the page that sent the admin here asked to say (navigate(…, { state: { notice } })). */
export function LocationNotice() {
  const notice = (useLocation().state as { notice?: string } | null)?.notice;
  if (!notice) return null;
  return (
    <p className="notice" role="status">
      {notice}
    </p>
  );
}
