// Decorates the app with its messaging service (app.messaging): the one way any code sends an email or an SMS.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { createMessaging, type Messaging } from '../messaging/service.ts'
import type { SmtpTimeouts } from '../messaging/email.ts'
import type { SmsProvider } from '../messaging/sms-provider.ts'

declare module 'fastify' {
  interface FastifyInstance {
    messaging: Messaging
  }
}

export interface MessagingPluginOptions { smsProvider?: SmsProvider, smtpTimeouts?: SmtpTimeouts }

async function messagingPlugin (app: FastifyInstance, opts: MessagingPluginOptions) {
  const messaging = createMessaging({ db: app.db, config: app.config, clock: app.clock, mailer: app.mailer, ...opts })
  app.decorate('messaging', messaging)
  app.addHook('onClose', async () => { messaging.close() })
}

export default fp(messagingPlugin, { name: 'messaging', dependencies: ['context'] })
