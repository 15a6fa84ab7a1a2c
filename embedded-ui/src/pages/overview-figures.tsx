// Tổng quan's KPI cards (each against the previous period), today's member activity, and the Bắt đầu checklist.
import type { ComponentChildren } from 'preact'
import { formatNumber, formatVnd } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'
import { Badge, Card } from '../components/feedback.tsx'
import { change, formatPercent, type Dashboard } from './overview-model.ts'

function Delta ({ current, previous }: { current: number, previous: number }) {
  const ratio = change(current, previous)
  if (ratio === null) return current === 0 ? null : <p class='overview-kpi__delta muted'>{t('overview.noPrevious')}</p>
  const arrow = ratio > 0 ? '▲' : ratio < 0 ? '▼' : '■'
  return (
    <p class='overview-kpi__delta'>
      <Badge tone={ratio > 0 ? 'success' : ratio < 0 ? 'critical' : undefined}>{arrow} {formatPercent(Math.abs(ratio))}</Badge>
      <span class='muted'>{t('overview.vsPrevious')}</span>
    </p>
  )
}

function Kpi ({ id, label, value, current, previous, children }: {
  id: string, label: string, value: string, current?: number, previous?: number, children?: ComponentChildren
}) {
  return (
    <Card testId={`kpi-${id}`}>
      <h2 class='overview-kpi__label'>{label}</h2>
      <p class='overview-kpi__value' data-testid={`kpi-${id}-value`}>{value}</p>
      {current !== undefined && previous !== undefined && <Delta current={current} previous={previous} />}
      {children && <p class='overview-kpi__hint muted'>{children}</p>}
    </Card>
  )
}

export function OverviewFigures ({ data }: { data: Dashboard }) {
  const prev = data.previous
  const revenue = data.revenue.members + data.revenue.nonMembers
  return (
    <>
      <div class='overview-kpis'>
        <Kpi id='member-revenue' label={t('overview.kpi.memberRevenue')} value={formatVnd(data.revenue.members)} current={data.revenue.members} previous={prev.revenue.members}>
          {t('overview.kpi.memberRevenueHint', { orders: formatNumber(data.orders.members), average: formatVnd(data.averageOrder.members) })}
        </Kpi>
        <Kpi id='non-member-revenue' label={t('overview.kpi.nonMemberRevenue')} value={formatVnd(data.revenue.nonMembers)} current={data.revenue.nonMembers} previous={prev.revenue.nonMembers}>
          {t('overview.kpi.nonMemberRevenueHint', { orders: formatNumber(data.orders.nonMembers), average: formatVnd(data.averageOrder.nonMembers) })}
        </Kpi>
        <Kpi id='member-share' label={t('overview.kpi.memberShare')} value={formatPercent(revenue > 0 ? data.revenue.members / revenue : null)}>
          {t('overview.kpi.memberShareHint')}
        </Kpi>
        <Kpi id='repeat' label={t('overview.kpi.repeat')} value={formatPercent(data.repeatRate.members)}>
          {t('overview.kpi.repeatHint', { others: formatPercent(data.repeatRate.nonMembers) })}
        </Kpi>
        <Kpi id='members' label={t('overview.kpi.members')} value={formatNumber(data.members.total)} current={data.members.total} previous={prev.members.total}>
          {t('overview.kpi.membersHint', { share: formatPercent(data.members.shareOfCustomers) })}
        </Kpi>
        <Kpi id='new-members' label={t('overview.kpi.newMembers')} value={formatNumber(data.members.new)} current={data.members.new} previous={prev.members.new} />
        <Kpi id='points-earned' label={t('overview.kpi.pointsEarned')} value={formatNumber(data.points.earned)} current={data.points.earned} previous={prev.points.earned}>
          {t('overview.kpi.expired', { points: formatNumber(data.points.expired) })}
        </Kpi>
        <Kpi id='points-redeemed' label={t('overview.kpi.pointsRedeemed')} value={formatNumber(data.points.redeemed)} current={data.points.redeemed} previous={prev.points.redeemed}>
          {t('overview.kpi.redemptionRate', { rate: formatPercent(data.redemptionRate) })}
        </Kpi>
        <Kpi id='outstanding' label={t('overview.kpi.outstanding')} value={formatNumber(data.points.outstanding)}>
          {data.points.liabilityVnd === null ? t('overview.kpi.noLiability') : t('overview.kpi.liability', { vnd: formatVnd(data.points.liabilityVnd) })}
        </Kpi>
        <Kpi id='opening' label={t('overview.kpi.opening')} value={formatVnd(data.revenue.openingBalances)}>{t('overview.kpi.openingHint')}</Kpi>
        <Kpi id='campaigns' label={t('overview.kpi.campaigns')} value={formatVnd(data.campaigns.revenue)} current={data.campaigns.revenue} previous={prev.campaigns.revenue}>
          {t('overview.kpi.campaignsHint', { sent: formatNumber(data.campaigns.sent), orders: formatNumber(data.campaigns.orders), revenue: formatVnd(data.campaigns.revenue) })}
        </Kpi>
      </div>
      <Card title={t('overview.activity')} testId='overview-activity'>
        <div class='overview-activity'>
          {(['active7', 'active30', 'lapsed'] as const).map((k) => (
            <div key={k} class='overview-activity__item' data-testid={`activity-${k}`}>
              <span class='overview-activity__value'>{formatNumber(data.activity[k])}</span>
              <span class='muted'>{t(`overview.activity.${k}` as MessageKey)}</span>
            </div>
          ))}
        </div>
      </Card>
    </>
  )
}

// A check in a filled circle for a finished step, an empty ring for one still to do (no emoji fonts needed).
const CHECK = (
  <svg width='12' height='12' viewBox='0 0 12 12' fill='none' stroke='currentColor' stroke-width='2' stroke-linecap='round' stroke-linejoin='round'>
    <path d='M2.5 6.2l2.3 2.3 4.7-5' />
  </svg>
)

export function OverviewChecklist ({ items, isNew }: { items: Dashboard['checklist'], isNew: boolean }) {
  const done = items.filter((item) => item.done).length
  return (
    <Card
      title={t('overview.checklist')} testId='overview-checklist'
      actions={<Badge tone={done === items.length ? 'success' : 'attention'}>{formatNumber(done)}/{formatNumber(items.length)}</Badge>}
    >
      {isNew && <p class='muted'>{t('overview.checklistLead')}</p>}
      <ol class='overview-checklist'>
        {items.map((item) => (
          <li key={item.id} data-testid={`checklist-${item.id}`} data-done={item.done}>
            <span class='overview-checklist__mark' aria-hidden='true'>{item.done && CHECK}</span>
            {item.done
              ? <span>{t(`overview.checklist.${item.id}` as MessageKey)} <span class='muted'>· {t('overview.checklist.done')}</span></span>
              : <a href={item.href}>{t(`overview.checklist.${item.id}` as MessageKey)}</a>}
          </li>
        ))}
      </ol>
    </Card>
  )
}
