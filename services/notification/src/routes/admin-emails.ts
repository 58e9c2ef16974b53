import type { HttpApp } from '@shop/platform';
import type { NotificationContext } from '../context.ts';
import { toDetail, toSummary } from '../domain/email.ts';
import { getEmail, listEmails, retryEmail } from '../domain/manage-emails.ts';
import { emailCursor } from './email-cursor.ts';
import { EmailDetail, EmailListQuery, EmailPage, EmailSummary, IdParams, Problem, security } from './schemas.ts';

const tags = ['e-mails (admin)'];
const errors = { 400: Problem, 401: Problem, 403: Problem };

export function adminEmailRoutes(app: HttpApp, ctx: NotificationContext): void {
  app.get(
    '/api/admin/emails',
    {
      schema: {
        tags,
        security,
        summary: 'E-mails sent, failed and pending, newest first',
        querystring: EmailListQuery,
        response: { 200: EmailPage, ...errors },
      },
      onRequest: ctx.auth.require('user:read'),
    },
    async (request) => {
      const { status, limit, cursor } = request.query;
      const after = cursor ? emailCursor.decode(cursor, 'newest') : undefined;
      const before = after ? { createdAt: after.value, id: after.id } : undefined;
      const page = await listEmails({ status, limit, before }, ctx.manage);
      const next = page.next ? emailCursor.encode('newest', { value: page.next.createdAt, id: page.next.id }) : null;
      return { items: page.items.map(toSummary), next_cursor: next };
    },
  );

  app.get(
    '/api/admin/emails/:id',
    {
      schema: {
        tags,
        security,
        summary: 'One e-mail with its text, HTML and, from the built-in mailbox, the rendered message',
        params: IdParams,
        response: { 200: EmailDetail, 404: Problem, ...errors },
      },
      onRequest: ctx.auth.require('user:read'),
    },
    async (request) => toDetail(await getEmail(request.params.id, ctx.manage)),
  );

  app.post(
    '/api/admin/emails/:id/retry',
    {
      schema: {
        tags,
        security,
        summary: 'Put a failed e-mail back on the queue',
        params: IdParams,
        response: { 200: EmailSummary, 404: Problem, 409: Problem, ...errors },
      },
      onRequest: ctx.auth.require('user:write'),
    },
    async (request) => toSummary(await retryEmail(request.params.id, ctx.manage)),
  );
}
