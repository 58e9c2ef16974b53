import { type FormEvent, useId, useState } from 'react';
import { ApiError, describeError } from '../../api/problem';
import type { Category } from '../../api/types';
import { Field } from '../../ui/field';
import { Options } from '../../ui/options';
import { categoryOptions } from '../../ui/use-categories';
import { FormActions } from '../ui/form-actions';
import { centsToUnits, parseUnits } from '../ui/money-input';

/** What the form holds: text as typed, so a half-typed price is never lost or rounded. */
export interface ProductFormValues {
  name: string;
  description: string;
  price: string;
  categoryId: string;
  stock: string;
}

/** What the form saves: the API's fields, the price in minor units. */
export interface ProductFormOutput {
  name: string;
  description: string;
  price_cents: number;
  category_id: number;
  /** Only when creating: an existing product's stock moves by adjustments. */
  stock?: number;
}

type FieldName = keyof ProductFormValues;
type FieldErrors = Partial<Record<FieldName, string>>;

const LABELS: Record<FieldName, string> = {
  name: 'Name',
  description: 'Description',
  price: 'Price',
  categoryId: 'Category',
  stock: 'Stock',
};
/** The API's field names for the form's fields, to put a server's `errors` next to their field. */
const API_FIELDS: Record<string, FieldName> = {
  name: 'name',
  description: 'description',
  price_cents: 'price',
  category_id: 'categoryId',
  stock: 'stock',
};
const MAX_NAME = 200;
const MAX_DESCRIPTION = 5000;
const MAX_STOCK = 1_000_000_000;

export const EMPTY_PRODUCT: ProductFormValues = { name: '', description: '', price: '', categoryId: '', stock: '0' };

/**
 * A product's details, checked here first (each message next to its field, the focus on the
 * first one wrong), then by the server, whose per-field `errors` land next to their field too.
 */
export function ProductForm({
  initial,
  categories,
  currency,
  withStock,
  onSave,
}: {
  initial: ProductFormValues;
  categories: Category[];
  currency: string;
  /** Creating: the opening stock is one of the fields. */
  withStock: boolean;
  /** Saves; an ApiError it throws is shown on the form. Returns a line to confirm with, if any. */
  onSave(output: ProductFormOutput): Promise<string | undefined>;
}) {
  const id = useId();
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(undefined);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string | undefined>(undefined);

  const set = (field: FieldName) => (event: { target: { value: string } }) => {
    setValues((current) => ({ ...current, [field]: event.target.value }));
    setSaved(undefined);
  };

  const focusFirst = (found: FieldErrors) => {
    const first = (Object.keys(LABELS) as FieldName[]).find((field) => found[field]);
    if (first) document.getElementById(`${id}-${first}`)?.focus();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (saving) return;
    const checked = check(values, currency, withStock);
    setErrors(checked.errors);
    setFailure(undefined);
    setSaved(undefined);
    if (!checked.output) {
      focusFirst(checked.errors);
      return;
    }
    setSaving(true);
    try {
      setSaved((await onSave(checked.output)) ?? undefined);
    } catch (error) {
      const found = serverErrors(error);
      setErrors(found);
      setFailure(error);
      focusFirst(found);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="form admin-form" noValidate onSubmit={submit}>
      {failure !== undefined && (
        <p className="notice notice-error" role="alert">
          The product was not saved. {describeError(failure)}
        </p>
      )}
      <Field id={`${id}-name`} label="Name" error={errors.name}>
        {(control) => <input {...control} value={values.name} onChange={set('name')} maxLength={MAX_NAME} required />}
      </Field>
      <Field id={`${id}-description`} label="Description" error={errors.description}>
        {(control) => (
          <textarea
            {...control}
            value={values.description}
            onChange={set('description')}
            maxLength={MAX_DESCRIPTION}
            rows={5}
          />
        )}
      </Field>
      <Field
        id={`${id}-price`}
        label="Price"
        hint={`In ${currency}, e.g. ${centsToUnits(1250, currency)}.`}
        error={errors.price}
      >
        {(control) => (
          <input
            {...control}
            value={values.price}
            onChange={set('price')}
            inputMode="decimal"
            autoComplete="off"
            required
          />
        )}
      </Field>
      <Field id={`${id}-categoryId`} label="Category" error={errors.categoryId}>
        {(control) => (
          <select {...control} value={values.categoryId} onChange={set('categoryId')} required>
            <option value="">Choose a category</option>
            <Options options={categoryOptions(categories)} />
          </select>
        )}
      </Field>
      {withStock && (
        <Field
          id={`${id}-stock`}
          label="Stock"
          hint="Units on hand now; later changes go through stock adjustments."
          error={errors.stock}
        >
          {(control) => (
            <input {...control} type="number" min={0} step={1} value={values.stock} onChange={set('stock')} />
          )}
        </Field>
      )}
      <FormActions working={saving && 'Saving…'} done={saved}>
        <button type="submit" className="button button-primary" disabled={saving}>
          Save
        </button>
      </FormActions>
    </form>
  );
}

function check(
  values: ProductFormValues,
  currency: string,
  withStock: boolean,
): { errors: FieldErrors; output?: ProductFormOutput } {
  const errors: FieldErrors = {};
  const name = values.name.trim();
  if (!name) errors.name = 'Enter a name.';
  else if (name.length > MAX_NAME) errors.name = `Use at most ${MAX_NAME} characters.`;
  if (values.description.length > MAX_DESCRIPTION) errors.description = `Use at most ${MAX_DESCRIPTION} characters.`;
  const price = parseUnits(values.price, currency);
  if (!price.ok) errors.price = price.error;
  const categoryId = Number(values.categoryId);
  if (!values.categoryId || !Number.isInteger(categoryId)) errors.categoryId = 'Choose a category.';
  const stock = Number(values.stock.trim() || 'NaN');
  if (withStock && !(Number.isInteger(stock) && stock >= 0 && stock <= MAX_STOCK)) {
    errors.stock = 'Enter a whole number, 0 or more.';
  }
  if (Object.keys(errors).length > 0 || !price.ok) return { errors };
  return {
    errors,
    output: {
      name,
      description: values.description.trim(),
      price_cents: price.cents,
      category_id: categoryId,
      ...(withStock ? { stock } : {}),
    },
  };
}

/** The server's per-field messages, as sentences next to the form's fields. */
function serverErrors(error: unknown): FieldErrors {
  if (!(error instanceof ApiError)) return {};
  const found: FieldErrors = {};
  for (const [apiField, message] of Object.entries(error.fieldErrors())) {
    const field = API_FIELDS[apiField];
    if (field && !found[field]) found[field] = `${LABELS[field]} ${message.replace(/\.$/, '')}.`;
  }
  return found;
}
