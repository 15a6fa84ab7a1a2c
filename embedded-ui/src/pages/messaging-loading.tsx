// A Tin nhắn settings card before its settings arrive: "loading", or why they could not be read.
import { Banner, Card } from '../components/feedback.tsx'
import { t } from '../i18n.ts'

export function SettingsLoading ({ title, error }: { title: string, error: string | null }) {
  return (
    <Card title={title}>
      {error ? <Banner tone='critical'>{error}</Banner> : <p class='muted'>{t('messaging.loading')}</p>}
    </Card>
  )
}
