import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { HubConfig } from 'src/config/hub-config';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Outgoing mail through the configured SMTP server; services use this and never nodemailer itself. */
@Injectable()
export class Mailer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(Mailer.name);
  private readonly transport?: Transporter;

  constructor(private readonly config: HubConfig) {
    const smtp = config.smtp;
    if (smtp !== undefined) {
      this.transport = createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.secure,
        auth: smtp.username === undefined ? undefined : { user: smtp.username, pass: smtp.password ?? '' },
        connectionTimeout: 15_000,
        greetingTimeout: 15_000,
        socketTimeout: 30_000,
      });
    }
  }

  get isEnabled(): boolean {
    return this.transport !== undefined;
  }

  onApplicationBootstrap(): void {
    if (!this.isEnabled) {
      this.logger.warn('SMTP is not configured (KOHAKU_HUB_SMTP_HOST): email verification is off');
    }
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }

  /** Sends one plain-text message; rejects when SMTP is off or the server refuses it. */
  async send(message: MailMessage): Promise<void> {
    if (this.transport === undefined || this.config.smtp === undefined) {
      throw new Error('SMTP is not configured');
    }
    await this.transport.sendMail({ from: this.config.smtp.from, ...message });
  }
}
