// Top bar: which shop the merchant is managing, and the language switch.
import { t } from '../i18n.ts'
import { useShop } from '../shop.tsx'
import { LanguageSwitch } from './language-switch.tsx'

export function TopBar () {
  const { state } = useShop()
  return (
    <header class='top-bar'>
      <div class='top-bar__shop'>
        <span class='top-bar__shop-label'>{t('topbar.shopLabel')}</span>
        {state.status === 'ready'
          ? <strong class='top-bar__shop-name' data-testid='shop-name'>{state.shop.name}</strong>
          : state.status === 'loading'
            ? <span class='muted'>{t('topbar.shopLoading')}</span>
            : <span class='muted'>—</span>}
      </div>
      <LanguageSwitch />
    </header>
  )
}
