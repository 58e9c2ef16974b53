import { describe, expect, it } from 'vitest';
import {
  cancellationEmail,
  escapeHtml,
  formatMoney,
  orderConfirmationEmail,
  welcomeEmail,
} from '../../src/domain/templates.ts';

const order = {
  to: 'ada@example.com',
  orderId: 42,
  lines: [
    { name: 'Espresso machine', quantity: 1, unitPriceCents: 129900, lineTotalCents: 129900 },
    { name: 'Coffee beans 1 kg', quantity: 2, unitPriceCents: 1850, lineTotalCents: 3700 },
  ],
  totalCents: 133600,
  currency: 'EUR',
};

describe('money', () => {
  it('when 129900 minor units of EUR are formatted in English, then they read €1,299.00', () => {
    expect(formatMoney(129900, 'EUR', 'en')).toBe('€1,299.00');
  });

  it('when an amount is formatted in another currency, then its symbol and minor units follow that currency', () => {
    expect(formatMoney(1999, 'USD')).toBe('$19.99');
    // The yen has no minor unit: 1500 minor units are ¥1,500.
    expect(formatMoney(1500, 'JPY')).toBe('¥1,500');
  });

  it('when a German locale is asked for, then the separators and symbol place follow it', () => {
    expect(formatMoney(129900, 'EUR', 'de-DE')).toBe('1.299,00\u00a0€');
  });
});

describe('order confirmation', () => {
  const email = orderConfirmationEmail(order);

  it('when an order is confirmed, then the subject names the order and the mail goes to the customer', () => {
    expect(email.kind).toBe('order_confirmation');
    expect(email.to).toBe('ada@example.com');
    expect(email.subject).toBe('Your order #42 is confirmed');
  });

  it('when an order is confirmed, then the text part lists each line with quantity, unit price and line total, and the total', () => {
    expect(email.text).toContain('Espresso machine × 1   €1,299.00 each   €1,299.00');
    expect(email.text).toContain('Coffee beans 1 kg × 2   €18.50 each   €37.00');
    expect(email.text).toContain('Total: €1,336.00');
  });

  it('when an order is confirmed, then the HTML part has a row per line and the total', () => {
    expect(email.html).toContain(
      '<tr><td>Coffee beans 1 kg × 2</td><td align="right">€18.50</td><td align="right">€37.00</td></tr>',
    );
    expect(email.html).toContain('<td>Espresso machine × 1</td>');
    expect(email.html).toMatch(/<tfoot>.*Total.*€1,336\.00.*<\/tfoot>/s);
  });

  it('when a product name holds markup, then the HTML part escapes it and the text part keeps it as written', () => {
    const hostile = orderConfirmationEmail({
      ...order,
      lines: [{ name: '<script>alert("x")</script> & <b>', quantity: 1, unitPriceCents: 100, lineTotalCents: 100 }],
      totalCents: 100,
    });
    expect(hostile.html).not.toContain('<script>');
    expect(hostile.html).not.toContain('<b>');
    expect(hostile.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;');
    expect(hostile.text).toContain('<script>alert("x")</script> & <b> × 1');
  });
});

describe('welcome', () => {
  it('when a user registers, then the welcome mail greets them by name in both parts', () => {
    const email = welcomeEmail({ to: 'ada@example.com', name: 'Ada Lovelace' });
    expect(email.kind).toBe('welcome');
    expect(email.subject).toBe('Welcome to the shop');
    expect(email.text).toContain('Hello Ada Lovelace,');
    expect(email.html).toContain('<p>Hello Ada Lovelace,</p>');
  });

  it('when the name is <script>, then the HTML part shows it escaped', () => {
    const email = welcomeEmail({ to: 'x@example.com', name: '<script>steal()</script>' });
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('Hello &lt;script&gt;steal()&lt;/script&gt;,');
  });
});

describe('cancellation', () => {
  it('when an order is cancelled, then the notice names the order and the reason, escaped in HTML', () => {
    const email = cancellationEmail({ to: 'ada@example.com', orderId: 7, reason: 'cancelled by <the shop>' });
    expect(email.kind).toBe('order_cancellation');
    expect(email.subject).toBe('Your order #7 was cancelled');
    expect(email.text).toContain('your order #7 was cancelled (cancelled by <the shop>)');
    expect(email.html).toContain('<strong>#7</strong> was cancelled (cancelled by &lt;the shop&gt;)');
  });
});

describe('escapeHtml', () => {
  it('when text holds each of & < > " \', then each becomes its entity', () => {
    expect(escapeHtml(`& < > " '`)).toBe('&amp; &lt; &gt; &quot; &#39;');
  });
});
