import type { TracedWork } from '../trace.ts';
import type { Job } from './bus.ts';
import type { CloudEvent } from './outbox.ts';

/**
 * The span a bus delivery runs in (when OpenTelemetry traces the process): named by the
 * message type, on the queue (a consumer name, a job queue, or `watcher`) that took it.
 * The `messaging.*` and `cloudevents.*` attributes follow OpenTelemetry's conventions.
 */
export function handling(message: CloudEvent | Job, queue: string, attempt: number): TracedWork {
  return {
    name: `handle ${message.type}`,
    kind: 'consumer',
    attributes: {
      'messaging.operation.type': 'process',
      'messaging.destination.name': queue,
      'messaging.message.id': String(message.id),
      'shop.delivery.attempt': attempt,
    },
  };
}

/** The span the outbox relay publishes an event in, a child of the change that recorded it. */
export function publishing(event: CloudEvent): TracedWork {
  return {
    name: `publish ${event.type}`,
    kind: 'producer',
    attributes: {
      'messaging.operation.type': 'send',
      'messaging.message.id': event.id,
      'cloudevents.event_source': event.source,
    },
  };
}
