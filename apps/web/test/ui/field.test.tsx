// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Field } from '../../src/ui/field';

afterEach(cleanup);

/** The texts a control's aria-describedby points at, in order. */
function descriptionOf(control: HTMLElement): string[] {
  const ids = control.getAttribute('aria-describedby')?.split(' ') ?? [];
  return ids.map((id) => document.getElementById(id)?.textContent ?? `(no #${id})`);
}

describe('field', () => {
  it('when a field has a hint and an error, then its control is named by the label, described by both and invalid', () => {
    render(
      <Field id="price" label="Price" hint="In EUR, e.g. 12.50." error="Enter a price.">
        {(control) => <input {...control} />}
      </Field>,
    );
    const input = screen.getByLabelText('Price');
    expect(descriptionOf(input)).toEqual(['In EUR, e.g. 12.50.', 'Enter a price.']);
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('when a field has neither hint nor error, then its control claims no description and is not invalid', () => {
    render(
      <Field id="sort" label="Sort by">
        {(control) => (
          <select {...control}>
            <option>Newest</option>
          </select>
        )}
      </Field>,
    );
    const select = screen.getByRole('combobox', { name: 'Sort by' });
    expect(select.hasAttribute('aria-describedby')).toBe(false);
    expect(select.hasAttribute('aria-invalid')).toBe(false);
  });

  it('when an announced field gets an error, then the error is an alert', () => {
    render(
      <Field id="name" label="Name" error="Enter a name." announce>
        {(control) => <input {...control} />}
      </Field>,
    );
    expect(screen.getByRole('alert').textContent).toBe('Enter a name.');
  });
});
