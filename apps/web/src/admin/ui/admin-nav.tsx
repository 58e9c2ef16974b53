import { NavLink, Outlet } from 'react-router';

const SECTIONS = [
  { to: '/admin/products', label: 'Products' },
  { to: '/admin/categories', label: 'Categories' },
  { to: '/admin/orders', label: 'Orders' },
  { to: '/admin/users', label: 'Users' },
  { to: '/admin/emails', label: 'E-mails' },
  { to: '/admin/analytics', label: 'Analytics' },
];

/** The admin's sections, above every admin page but the overview (which links them itself). */
export function AdminSection() {
  return (
    <>
      <nav aria-label="Admin" className="admin-nav">
        <NavLink to="/admin" end>
          Overview
        </NavLink>
        {SECTIONS.map((section) => (
          <NavLink key={section.to} to={section.to}>
            {section.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </>
  );
}
