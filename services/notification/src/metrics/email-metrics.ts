import { type Registry, registerCounter } from '@shop/platform';
import type { EmailMetrics } from '../domain/ports.ts';

/** The domain's e-mail counts as Prometheus counters in the service's registry. */
export function prometheusEmailMetrics(registry: Registry): EmailMetrics {
  const sent = registerCounter(registry, {
    name: 'emails_sent_total',
    help: 'E-mails the mailer accepted',
  });
  const failed = registerCounter(registry, {
    name: 'emails_failed_total',
    help: 'E-mails that failed their last send attempt (listed as failed for an admin to retry)',
  });
  return { sent: () => sent.inc(), failed: () => failed.inc() };
}
