// The app's own outgoing mail (import finished, alerts): SMTP_URL when set, otherwise .eml files in DATA_DIR/outbox.
import { randomUUID } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import type { Config } from './config.ts'

export interface MailMessage { to: string, subject: string, text: string, html?: string, headers?: Record<string, string> }

export interface Mailer {
  sendMail (message: MailMessage): Promise<{ messageId: string, file?: string }>
  close (): void
}

export function createMailer (config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'dataDir'>): Mailer {
  if (config.smtpUrl) {
    const transport = nodemailer.createTransport(config.smtpUrl)
    return {
      async sendMail (message) {
        const info = await transport.sendMail({ from: config.mailFrom, ...message })
        return { messageId: info.messageId }
      },
      close: () => transport.close(),
    }
  }
  // Without SMTP (sandbox, development) nothing is lost: each message is a file a developer can open.
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' })
  const outbox = join(config.dataDir, 'outbox')
  return {
    async sendMail (message) {
      const info = await transport.sendMail({ from: config.mailFrom, ...message })
      await mkdir(outbox, { recursive: true })
      const file = join(outbox, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.eml`)
      await writeFile(file, info.message as Buffer)
      return { messageId: info.messageId, file }
    },
    close: () => transport.close(),
  }
}
