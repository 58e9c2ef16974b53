import { Page, PageQuery } from '@shop/platform';
import { Type } from 'typebox';

export const Problem = Type.Ref('Problem');
export const security = [{ bearer: [] }];

const Status = Type.Union([Type.Literal('pending'), Type.Literal('sent'), Type.Literal('failed')]);
export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });

const summary = {
  id: Type.Integer(),
  to: Type.String(),
  subject: Type.String(),
  status: Status,
  attempts: Type.Integer(),
  last_error: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
};

export const EmailSummary = Type.Object(summary);
export const EmailPage = Page(EmailSummary);

export const EmailDetail = Type.Object({
  ...summary,
  text: Type.String({ description: 'The plain-text part.' }),
  html: Type.String({ description: 'The HTML part.' }),
  raw: Type.Union([Type.String(), Type.Null()], {
    description: 'The complete rendered message (RFC 822) as the built-in mailbox kept it; null when sent over SMTP.',
  }),
});

export const EmailListQuery = Type.Object({
  status: Type.Optional(Status),
  ...PageQuery,
});
