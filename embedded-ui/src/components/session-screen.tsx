// Full-page notice shown instead of the admin when there is no usable session token.
import { t } from '../i18n.ts'
import type { SessionStatus } from '../session.ts'
import { LanguageSwitch } from './language-switch.tsx'

export function SessionScreen ({ status }: { status: Exclude<SessionStatus, 'active'> }) {
  const expired = status === 'expired'
  return (
    <div class='session-screen'>
      <div class='session-screen__switch'><LanguageSwitch /></div>
      <section class='card session-screen__card' role='alert' data-testid={`session-${status}`}>
        <div class='session-screen__brand'>{t('app.name')}</div>
        <h1 class='session-screen__title' data-testid='page-title'>
          {t(expired ? 'auth.expiredTitle' : 'auth.missingTitle')}
        </h1>
        <p>{t(expired ? 'auth.expiredBody' : 'auth.missingBody')}</p>
        {/* target=_top: Haravan's login page cannot be shown inside the admin iframe. */}
        <a class='btn btn--primary' href='/install/start' target='_top' data-testid='install-link'>{t('auth.installLink')}</a>
      </section>
    </div>
  )
}
