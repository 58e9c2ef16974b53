// @vitest-environment happy-dom
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { formatMoney, Price } from '../../src/ui/money';

describe('money', () => {
  it('when cents are formatted, then the currency’s own decimals are used', () => {
    expect(formatMoney(1234, 'EUR')).toMatch(/12[.,]34/);
    expect(formatMoney(1234, 'JPY')).toMatch(/1,?234/);
    expect(formatMoney(0, 'EUR')).toMatch(/0[.,]00/);
  });

  it('when a price is rendered, then it shows the formatted amount', () => {
    render(<Price cents={250} currency="EUR" />);
    expect(screen.getByText(/2[.,]50/)).toBeTruthy();
  });
});
