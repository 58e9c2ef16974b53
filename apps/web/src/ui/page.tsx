import { type ReactNode, useEffect } from 'react';

/** A page: its heading (the layout moves the focus to it on each navigation) and the document title. */
export function Page({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Shop`;
  }, [title]);
  return (
    <section className="page">
      <header className="page-header">
        <h1 tabIndex={-1}>{title}</h1>
        {actions && <div className="page-actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}
