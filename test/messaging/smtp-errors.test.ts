// SMTP answers in a merchant's words, for the shapes nodemailer gives (Gmail's own texts where they matter).
import t from 'tap'
import { describeSmtpError } from '../../server/messaging/smtp-errors.ts'

const err = (o: Record<string, unknown>) => Object.assign(new Error(String(o.response ?? o.message ?? 'error')), o)

t.test('each problem is named, with the server\'s answer kept', async (t) => {
  const app = describeSmtpError(err({ code: 'EAUTH', responseCode: 534, response: '534-5.7.9 Application-specific password required. Learn more at https://support.google.com/mail/?p=InvalidSecondFactor' }), 'smtp.gmail.com:587')
  t.equal(app.problem, 'app_password')
  t.match(app.message, /Xác minh 2 bước/)
  t.match(app.message, /5\.7\.9/)
  t.match(describeSmtpError(err({ code: 'EAUTH', responseCode: 535, response: '535-5.7.8 Username and Password not accepted' }), 'h:587'), { problem: 'auth', quota: false })
  t.match(describeSmtpError(err({ code: 'EENVELOPE', responseCode: 550, response: '550-5.4.5 Daily user sending limit exceeded' }), 'h:587'), { problem: 'quota', quota: true })
  t.match(describeSmtpError(err({ code: 'EMESSAGE', responseCode: 421, response: '421-4.7.0 Try again later, closing connection' }), 'h:587'), { problem: 'quota', quota: true })
  t.match(describeSmtpError(err({ code: 'ESOCKET', message: 'connect ECONNREFUSED 127.0.0.1:2525' }), '127.0.0.1:2525'), { problem: 'refused' })
  t.match(describeSmtpError(err({ code: 'EDNS', message: 'getaddrinfo ENOTFOUND smtp.gmial.com' }), 'smtp.gmial.com:587'), { problem: 'dns' })
  t.match(describeSmtpError(err({ code: 'ETIMEDOUT', message: 'Connection timeout', command: 'CONN' }), 'h:587'), { problem: 'timeout', definite: true })
  t.match(describeSmtpError(err({ code: 'ETIMEDOUT', message: 'Timeout', command: 'DATA' }), 'h:587'), { problem: 'timeout', definite: false }, 'after DATA the fate is unknown')
  t.match(describeSmtpError(err({ code: 'EENVELOPE', responseCode: 553, response: '553 5.1.2 bad recipient' }), 'h:587'), { problem: 'rejected', quota: false })
})
