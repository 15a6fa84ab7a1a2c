// Tổng quan: the shop this admin is connected to.
import { t } from '../i18n.ts'
import { useShop } from '../shop.tsx'
import type { Shop } from '../shop.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { Button } from '../components/button.tsx'
import { Badge, Banner, Card } from '../components/feedback.tsx'

function ShopDetails ({ shop }: { shop: Shop }) {
  return (
    <dl class='details'>
      <div class='details__row'>
        <dt>{t('overview.shopName')}</dt>
        <dd>
          <span data-testid='overview-shop-name'>{shop.name}</span>
          {shop.sandbox && (
            <Badge tone='attention' title={t('overview.sandboxHint')} testId='sandbox-badge'>{t('overview.sandbox')}</Badge>
          )}
        </dd>
      </div>
      <div class='details__row'>
        <dt>{t('overview.domain')}</dt>
        <dd>
          <a href={`https://${shop.domain}`} target='_blank' rel='noopener noreferrer'>{shop.domain}</a>
        </dd>
      </div>
      <div class='details__row'>
        <dt>{t('overview.orgid')}</dt>
        <dd class='mono'>{shop.orgid}</dd>
      </div>
      {shop.sandbox && <p class='muted details__note'>{t('overview.sandboxHint')}</p>}
    </dl>
  )
}

export function OverviewPage () {
  const { state, reload } = useShop()
  return (
    <>
      <PageHeader title={t('nav.overview')}>{t('overview.intro')}</PageHeader>
      <Card title={t('overview.shopCard')} aria-busy={state.status === 'loading'}>
        {state.status === 'loading' && <p class='muted' role='status'>{t('overview.loading')}</p>}
        {state.status === 'error' && (
          <Banner tone='critical'>
            <p><strong>{t('overview.loadError')}</strong> {state.error.message}</p>
            {state.error.reqId && (
              <p class='muted'>{t('overview.requestId')}: <span class='mono'>{state.error.reqId}</span></p>
            )}
            <p style={{ marginTop: '8px' }}><Button onClick={reload}>{t('common.retry')}</Button></p>
          </Banner>
        )}
        {state.status === 'ready' && <ShopDetails shop={state.shop} />}
      </Card>
    </>
  )
}
