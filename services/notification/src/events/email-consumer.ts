import { EVENT_TYPES, OrderCancelled, OrderPlaced, UserRegistered } from '@shop/contracts';
import type { CloudEvent, EventHandler, Logger } from '@shop/platform';
import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type { EmailDraft } from '../domain/email.ts';
import { type SendEventEmailDeps, sendEventEmail } from '../domain/send-event-email.ts';
import { cancellationEmail, orderConfirmationEmail, welcomeEmail } from '../domain/templates.ts';

/** The durable consumer name on the bus, and the inbox's. */
export const CONSUMER = 'notification';

/** Checks an event's data and renders its e-mail, or says what is wrong with the data. */
type Reader = (data: unknown) => EmailDraft | { errors: string[] };

function reader<S extends TSchema>(schema: S, render: (data: Static<S>) => EmailDraft): Reader {
  const validator = Compile(schema);
  return (data) =>
    validator.Check(data)
      ? render(data as Static<S>)
      : { errors: validator.Errors(data).map((error) => `${error.instancePath || '/'} ${error.message}`) };
}

/**
 * Each event this service answers, with the e-mail it answers it with. The data is checked
 * against the event's schema in `@shop/contracts`; fields a mail does not show are not read.
 */
const READERS: Record<string, Reader> = {
  [EVENT_TYPES.userRegistered]: reader(UserRegistered, (data) => welcomeEmail({ to: data.email, name: data.name })),
  [EVENT_TYPES.orderPlaced]: reader(OrderPlaced, (data) =>
    orderConfirmationEmail({
      to: data.email,
      orderId: data.order_id,
      lines: data.items.map((item) => ({
        name: item.name,
        quantity: item.quantity,
        unitPriceCents: item.unit_price_cents,
        lineTotalCents: item.line_total_cents,
      })),
      totalCents: data.total_cents,
      currency: data.currency,
    }),
  ),
  [EVENT_TYPES.orderCancelled]: reader(OrderCancelled, (data) =>
    cancellationEmail({ to: data.email, orderId: data.order_id, reason: data.reason }),
  ),
};

export const CONSUMED_TYPES = Object.keys(READERS);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Validates each event, renders its e-mail and hands it to sendEventEmail (saved once per
 * event id, sent at once, the work queue retrying a failed send). The event is acknowledged
 * only once this returns, so one whose process died mid-send comes back and finds its
 * e-mail. A malformed event is logged and dropped: retrying cannot fix it.
 */
export function emailConsumer(deps: SendEventEmailDeps & { logger: Logger }): EventHandler {
  return async (event) => {
    const draft = render(event, deps.logger);
    if (!draft) return;
    const result = await sendEventEmail(event.id, draft, deps);
    const fields = { event_id: event.id, type: event.type, email_id: result?.emailId, outcome: result?.outcome };
    if (result?.outcome === 'sent') deps.logger.info(fields, 'e-mail sent');
    else if (result?.error !== undefined) deps.logger.warn({ ...fields, err: result.error }, 'e-mail send failed');
    else deps.logger.debug(fields, 'e-mail handled');
  };
}

function render(event: CloudEvent, logger: Logger): EmailDraft | null {
  const read = READERS[event.type];
  if (!read) {
    logger.warn({ event_id: event.id, type: event.type }, 'event of a type this service does not answer; dropped');
    return null;
  }
  if (typeof event.id !== 'string' || !UUID.test(event.id)) {
    logger.warn({ event_id: event.id, type: event.type }, 'event without a UUID id; dropped');
    return null;
  }
  const result = read(event.data);
  if ('errors' in result) {
    logger.warn({ event_id: event.id, type: event.type, errors: result.errors }, 'malformed event data; dropped');
    return null;
  }
  return result;
}
