import type { EmailDraft } from './email.ts';

/**
 * The shop's e-mails: each with a subject, a plain-text and an HTML part. Data from
 * events is escaped in the HTML part; money comes in minor units and is formatted in
 * the order's currency.
 */

export const DEFAULT_LOCALE = 'en';

export interface WelcomeInput {
  to: string;
  name: string;
}

export interface OrderLineInput {
  name: string;
  quantity: number;
  unitPriceCents: number;
  lineTotalCents: number;
}

export interface OrderConfirmationInput {
  to: string;
  orderId: number;
  lines: readonly OrderLineInput[];
  totalCents: number;
  currency: string;
}

export interface CancellationInput {
  to: string;
  orderId: number;
  reason: string;
}

export function welcomeEmail(input: WelcomeInput): EmailDraft {
  return {
    kind: 'welcome',
    to: input.to,
    subject: 'Welcome to the shop',
    text: [
      `Hello ${input.name},`,
      '',
      `welcome to the shop! Your account ${input.to} is ready: sign in and start shopping.`,
      '',
      SIGNATURE,
    ].join('\n'),
    html: page(
      'Welcome to the shop',
      `<p>Hello ${escapeHtml(input.name)},</p>
<p>welcome to the shop! Your account <strong>${escapeHtml(input.to)}</strong> is ready: sign in and start shopping.</p>`,
    ),
  };
}

export function orderConfirmationEmail(input: OrderConfirmationInput, locale = DEFAULT_LOCALE): EmailDraft {
  const money = (cents: number) => formatMoney(cents, input.currency, locale);
  const lines = input.lines.map((line) => ({
    item: `${line.name} × ${line.quantity}`,
    unit: money(line.unitPriceCents),
    total: money(line.lineTotalCents),
  }));
  const total = money(input.totalCents);
  const subject = `Your order #${input.orderId} is confirmed`;
  return {
    kind: 'order_confirmation',
    to: input.to,
    subject,
    text: [
      'Hello,',
      '',
      `thank you for your order #${input.orderId}. We have confirmed it:`,
      '',
      ...lines.map((line) => `  ${line.item}   ${line.unit} each   ${line.total}`),
      '',
      `Total: ${total}`,
      '',
      SIGNATURE,
    ].join('\n'),
    html: page(
      subject,
      `<p>Hello,</p>
<p>thank you for your order <strong>#${input.orderId}</strong>. We have confirmed it:</p>
<table cellpadding="6" style="border-collapse: collapse">
<thead><tr><th align="left">Item</th><th align="right">Unit price</th><th align="right">Line total</th></tr></thead>
<tbody>
${lines.map((line) => `<tr><td>${escapeHtml(line.item)}</td><td align="right">${escapeHtml(line.unit)}</td><td align="right">${escapeHtml(line.total)}</td></tr>`).join('\n')}
</tbody>
<tfoot><tr><th align="left" colspan="2">Total</th><th align="right">${escapeHtml(total)}</th></tr></tfoot>
</table>`,
    ),
  };
}

export function cancellationEmail(input: CancellationInput): EmailDraft {
  const subject = `Your order #${input.orderId} was cancelled`;
  return {
    kind: 'order_cancellation',
    to: input.to,
    subject,
    text: [
      'Hello,',
      '',
      `your order #${input.orderId} was cancelled (${input.reason}). Any stock it held is released, and nothing is charged.`,
      '',
      SIGNATURE,
    ].join('\n'),
    html: page(
      subject,
      `<p>Hello,</p>
<p>your order <strong>#${input.orderId}</strong> was cancelled (${escapeHtml(input.reason)}). Any stock it held is released, and nothing is charged.</p>`,
    ),
  };
}

/** An amount in minor units (cents for EUR, yen for JPY) as money in `currency`. */
export function formatMoney(minorUnits: number, currency: string, locale = DEFAULT_LOCALE): string {
  const { format, digits } = moneyFormat(locale, currency);
  return format.format(minorUnits / 10 ** digits);
}

/** One formatter per locale and currency (a shop has one or two): building one costs more than an e-mail's other text. */
const MONEY_FORMATS = new Map<string, { format: Intl.NumberFormat; digits: number }>();

function moneyFormat(locale: string, currency: string): { format: Intl.NumberFormat; digits: number } {
  const key = `${locale}|${currency}`;
  let found = MONEY_FORMATS.get(key);
  if (!found) {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    found = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    MONEY_FORMATS.set(key, found);
  }
  return found;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

const SIGNATURE = '— The shop';

function page(title: string, body: string): string {
  return `<!doctype html>
<html>
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family: sans-serif">
${body}
<p>${escapeHtml(SIGNATURE)}</p>
</body>
</html>`;
}
