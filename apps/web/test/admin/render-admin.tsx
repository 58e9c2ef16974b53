import { render } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import AdminApp from '../../src/admin/admin-app';
import { SessionProvider } from '../../src/session/session';

/** The admin at `path`, talking to the API at `baseUrl` through the app's own session and client. */
export function renderAdmin(path: string, baseUrl: string) {
  return render(
    <SessionProvider baseUrl={baseUrl}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/admin/*" element={<AdminApp />} />
        </Routes>
      </MemoryRouter>
    </SessionProvider>,
  );
}
