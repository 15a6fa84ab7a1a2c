// The "Tiếng Việt / English" switch; the choice is remembered by the i18n module.
import { getLanguage, setLanguage, t } from '../i18n.ts'
import type { Language } from '../i18n.ts'

const languages: Language[] = ['vi', 'en']

export function LanguageSwitch () {
  const active = getLanguage()
  return (
    <div class='language-switch' role='group' aria-label={t('language.label')} data-testid='language-switch'>
      {languages.map((language) => (
        <button
          key={language}
          type='button'
          class='language-switch__option'
          aria-pressed={language === active}
          lang={language}
          data-testid={`language-${language}`}
          onClick={() => setLanguage(language)}
        >
          {t(`language.${language}`)}
        </button>
      ))}
    </div>
  )
}
