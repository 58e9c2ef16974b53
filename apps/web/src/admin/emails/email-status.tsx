import type { EmailStatus } from '../../api/types';
import { statusSet } from '../../ui/statuses';

export const emailStatus = statusSet<EmailStatus>({
  pending: { label: 'Pending', tone: 'warn' },
  sent: { label: 'Sent', tone: 'ok' },
  failed: { label: 'Failed', tone: 'danger' },
});
