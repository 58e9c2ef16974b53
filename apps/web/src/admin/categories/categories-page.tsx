import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { unwrap } from '../../api/client';
import { describeError } from '../../api/problem';
import type { Category } from '../../api/types';
import { useSession } from '../../session/session';
import { Field } from '../../ui/field';
import { Page } from '../../ui/page';
import { usePagedList } from '../../ui/use-paged-list';
import { AdminTable } from '../ui/admin-table';
import { FormActions } from '../ui/form-actions';
import { PagedView } from '../ui/paged-view';

const MAX_NAME = 100;

export function CategoriesPage() {
  const { api } = useSession();
  const [added, setAdded] = useState<Category[]>([]);
  const list = usePagedList<Category>(
    (cursor) => unwrap(api.GET('/api/categories', { params: { query: { limit: 50, cursor } } })),
    ['categories'],
  );
  // A category just added shows at once, above the listed ones, until the list is loaded again.
  const listed = new Set(list.items.map((item) => item.id));
  const fresh = added.filter((item) => !listed.has(item.id));
  return (
    <Page title="Categories">
      <div className="admin-columns admin-columns-narrow-side">
        <section aria-labelledby="category-list">
          <h2 id="category-list" className="visually-hidden">
            All categories
          </h2>
          <PagedView list={list} what="categories" empty={<p>No category yet. Add the first one with the form.</p>}>
            {(categories) => (
              <AdminTable
                caption="Categories"
                columns={
                  <>
                    <th scope="col">Name</th>
                    <th scope="col">Slug</th>
                    <th scope="col">
                      <span className="visually-hidden">Products</span>
                    </th>
                  </>
                }
              >
                {[...fresh, ...categories].map((category) => (
                  <tr key={category.id}>
                    <td>{category.name}</td>
                    <td>
                      <code>{category.slug}</code>
                    </td>
                    <td>
                      <Link to={`/admin/products?category=${category.id}`}>
                        Products<span className="visually-hidden"> in {category.name}</span>
                      </Link>
                    </td>
                  </tr>
                ))}
              </AdminTable>
            )}
          </PagedView>
        </section>
        <section aria-labelledby="category-new" className="card admin-side">
          <h2 id="category-new">New category</h2>
          <AddCategory
            onAdded={(category) => {
              setAdded((current) => [category, ...current]);
              if (list.items.length === 0) list.reload();
            }}
          />
        </section>
      </div>
    </Page>
  );
}

function AddCategory({ onAdded }: { onAdded(category: Category): void }) {
  const { api } = useSession();
  const [name, setName] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setDone(null);
    const clean = name.trim();
    if (!clean) {
      setInvalid('Enter a name.');
      document.getElementById('category-name')?.focus();
      return;
    }
    setInvalid(null);
    setBusy(true);
    try {
      const category = await unwrap(api.POST('/api/categories', { body: { name: clean } }));
      onAdded(category);
      setName('');
      setDone(`${category.name} was added.`);
    } catch (error) {
      setInvalid(describeError(error));
      document.getElementById('category-name')?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" noValidate onSubmit={submit}>
      <Field id="category-name" label="Name" error={invalid} announce>
        {(control) => (
          <input {...control} value={name} maxLength={MAX_NAME} onChange={(event) => setName(event.target.value)} />
        )}
      </Field>
      <FormActions done={done}>
        <button type="submit" className="button button-primary" disabled={busy}>
          Add category
        </button>
      </FormActions>
    </form>
  );
}
