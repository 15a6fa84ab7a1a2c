// Cấu hình → Tin nhắn: the shop's email (SMTP) and SMS (VietGuys) accounts, test sends, and the SMS counter.
import { useState } from 'preact/hooks'
import { Card } from '../components/feedback.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { SmsEditor } from '../components/sms-editor.tsx'
import { t } from '../i18n.ts'
import { EmailSettingsCard } from './messaging-email.tsx'
import { SmsSettingsCard } from './messaging-sms.tsx'

export function SettingsMessagingPage () {
  const [sample, setSample] = useState('Chúc mừng sinh nhật! Cửa hàng tặng bạn mã giảm giá 50.000đ cho đơn từ 300.000đ.')
  return (
    <section class='page'>
      <PageHeader title={t('messaging.title')}>{t('messaging.lead')}</PageHeader>
      <EmailSettingsCard />
      <SmsSettingsCard />
      <Card title={t('messaging.counter')}>
        <p class='muted'>{t('messaging.counterLead')}</p>
        <SmsEditor value={sample} onInput={setSample} label={t('messaging.counterText')} />
      </Card>
    </section>
  )
}
