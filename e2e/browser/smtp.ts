import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on 127.0.0.1 that refuses every recipient while `refusing` is true
 * (as a mail server that is down for maintenance answers), and keeps who it accepted mail for.
 */
export async function startRefusingSmtp() {
  const state = { refusing: true, accepted: [] as string[] };
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP: STARTTLS would need a certificate the client trusts.
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (!state.refusing) return callback();
      callback(Object.assign(new Error('Mailbox unavailable, try again later'), { responseCode: 451 }));
    },
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        state.accepted.push(...session.envelope.rcptTo.map((recipient) => recipient.address));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
