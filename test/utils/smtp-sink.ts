import { createServer, Server, Socket } from 'node:net';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The raw message as sent after DATA (headers and body), dot-unstuffed. */
  data: string;
}

export interface SmtpSink {
  port: number;
  messages: ReceivedMail[];
  /** Resolves with the next message to arrive (or the oldest one not yet awaited). */
  nextMessage(timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

/**
 * Just enough SMTP for nodemailer over plain TCP (`secure: false`, no STARTTLS offered): greeting,
 * EHLO/HELO, MAIL, RCPT, DATA up to `<CRLF>.<CRLF>`, RSET, NOOP, QUIT. Messages are kept in memory.
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const waiters: ((mail: ReceivedMail) => void)[] = [];
  let delivered = 0;
  const sockets = new Set<Socket>();

  const deliver = (mail: ReceivedMail): void => {
    messages.push(mail);
    const waiter = waiters.shift();
    if (waiter) {
      delivered++;
      waiter(mail);
    }
  };

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setEncoding('utf8');
    let buffer = '';
    let inData = false;
    let envelope: { from: string; to: string[] } = { from: '', to: [] };
    const reply = (line: string): void => {
      socket.write(`${line}\r\n`);
    };
    reply('220 smtp-sink ready');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) {
            return;
          }
          const data = buffer.slice(0, end).replace(/^\.\./gm, '.');
          buffer = buffer.slice(end + 5);
          inData = false;
          deliver({ ...envelope, data });
          envelope = { from: '', to: [] };
          reply('250 OK: queued');
          continue;
        }
        const newline = buffer.indexOf('\r\n');
        if (newline < 0) {
          return;
        }
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') {
          reply('250-smtp-sink');
          reply('250 8BITMIME');
        } else if (verb === 'HELO') {
          reply('250 smtp-sink');
        } else if (verb === 'MAIL') {
          envelope.from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          reply('250 OK');
        } else if (verb === 'RCPT') {
          envelope.to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
          reply('250 OK');
        } else if (verb === 'DATA') {
          inData = true;
          reply('354 End data with <CR><LF>.<CR><LF>');
        } else if (verb === 'QUIT') {
          reply('221 Bye');
          socket.end();
          return;
        } else if (verb === 'RSET' || verb === 'NOOP') {
          envelope = { from: '', to: [] };
          reply('250 OK');
        } else {
          reply('502 Command not implemented');
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  return {
    port,
    messages,
    nextMessage(timeoutMs = 10_000): Promise<ReceivedMail> {
      if (delivered < messages.length) {
        return Promise.resolve(messages[delivered++]);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no mail arrived within ${timeoutMs} ms`)), timeoutMs);
        waiters.push((mail) => {
          clearTimeout(timer);
          resolve(mail);
        });
      });
    },
    close(): Promise<void> {
      for (const socket of sockets) {
        socket.destroy();
      }
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Hub settings that send mail, unencrypted, to the sink. */
export function smtpTestEnv(sink: SmtpSink): Record<string, string> {
  return {
    KOHAKU_HUB_SMTP_HOST: '127.0.0.1',
    KOHAKU_HUB_SMTP_PORT: String(sink.port),
    KOHAKU_HUB_SMTP_SECURE: 'false',
    KOHAKU_HUB_SMTP_FROM: 'Hub <hub@example.com>',
  };
}

/** The email-verification link in a raw message (quoted-printable soft breaks and `=3D` undone). */
export function verificationLinkIn(mailData: string): URL {
  const unfolded = mailData.replace(/=\r\n/g, '').replace(/=3D/g, '=');
  const match = /(http:\/\/\S+\/api\/auth\/verify-email\?token=[\w%-]+)/.exec(unfolded);
  if (!match) {
    throw new Error(`no verification link in mail:\n${mailData}`);
  }
  return new URL(match[1]);
}
