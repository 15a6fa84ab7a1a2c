// Tổng quan: the programme at a glance for a period against the one before — figures, charts (lazy), tiers, or the Bắt đầu checklist.
import type { FunctionComponent } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { api, type ApiError } from '../api.ts'
import { formatNumber } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'
import { PageHeader } from '../components/page-header.tsx'
import { Button } from '../components/button.tsx'
import { Banner, Card } from '../components/feedback.tsx'
import { DateField } from '../components/form.tsx'
import { Tabs } from '../components/tabs.tsx'
import { OverviewChecklist, OverviewFigures } from './overview-figures.tsx'
import { formatDay, presetPeriod, PRESETS, type Dashboard, type Preset, type SeriesPoint } from './overview-model.ts'
import './overview.css'

type State = { status: 'loading' } | { status: 'error', error: ApiError } | { status: 'ready', data: Dashboard }
type Charts = FunctionComponent<{ series: SeriesPoint[] }>

// uPlot and the chart code are a separate chunk, fetched only when there are figures to draw.
function useCharts (wanted: boolean): Charts | null {
  const [charts, setCharts] = useState<Charts | null>(null)
  useEffect(() => {
    if (wanted && !charts) import('./overview-charts.tsx').then((m) => setCharts(() => m.default), () => setCharts(null))
  }, [wanted, charts])
  return charts
}

function PeriodPicker ({ preset, custom, onPreset, onCustom }: {
  preset: Preset
  custom: { from: string, to: string }
  onPreset: (p: Preset) => void
  onCustom: (range: { from: string, to: string }) => void
}) {
  const [from, setFrom] = useState(custom.from)
  const [to, setTo] = useState(custom.to)
  return (
    <>
      <Tabs
        label='overview.period' selected={preset} onSelect={(key) => onPreset(key as Preset)}
        tabs={PRESETS.map((p) => ({ key: p, label: t(`overview.period.${p}` as MessageKey), testId: `period-${p}` }))}
      />
      {preset === 'custom' && (
        <form class='overview-period__custom' onSubmit={(e) => { e.preventDefault(); onCustom({ from, to }) }}>
          <DateField label={t('overview.from')} value={from} max={to} onValue={setFrom} width='medium' required />
          <DateField label={t('overview.to')} value={to} min={from} onValue={setTo} width='medium' required />
          <Button type='submit' variant='primary'>{t('overview.apply')}</Button>
        </form>
      )}
    </>
  )
}

export function OverviewPage () {
  const [preset, setPreset] = useState<Preset>('30')
  const [range, setRange] = useState<{ from: string, to: string } | null>(null) // null: the server's default (30 days)
  const [today, setToday] = useState<string | null>(null)
  const [state, setState] = useState<State>({ status: 'loading' })
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    let live = true
    setState((s) => s.status === 'ready' ? s : { status: 'loading' })
    const query = range ? `?from=${range.from}&to=${range.to}` : ''
    api<Dashboard>(`/api/dashboard${query}`).then(
      (data) => { if (!live) return; setState({ status: 'ready', data }); if (!range) setToday(data.period.to) },
      (error: ApiError) => { if (live) setState({ status: 'error', error }) })
    return () => { live = false }
  }, [range, attempt])

  const data = state.status === 'ready' ? state.data : null
  const Charts = useCharts(data !== null && !data.isNew)
  const choose = (p: Preset) => {
    setPreset(p)
    if (p !== 'custom' && today) setRange(p === '30' ? null : presetPeriod(p, today))
  }

  return (
    <>
      <PageHeader title={t('nav.overview')}>{t('overview.intro')}</PageHeader>
      {data && !data.isNew && (
        <Card class='overview-period' testId='overview-period'>
          <PeriodPicker preset={preset} custom={range ?? data.period} onPreset={choose} onCustom={setRange} />
          <p class='muted overview-period__range' data-testid='overview-range'>
            {t('overview.range', { from: formatDay(data.period.from), to: formatDay(data.period.to), prevFrom: formatDay(data.previous.period.from), prevTo: formatDay(data.previous.period.to) })}
          </p>
        </Card>
      )}
      {state.status === 'loading' && <Card><p class='muted' role='status'>{t('overview.loading')}</p></Card>}
      {state.status === 'error' && (
        <Banner tone='critical'>
          <p><strong>{t('overview.loadError')}</strong> {state.error.message}</p>
          {state.error.reqId && <p class='muted'>{t('overview.requestId')}: <span class='mono'>{state.error.reqId}</span></p>}
          <p><Button slim onClick={() => setAttempt((n) => n + 1)}>{t('common.retry')}</Button></p>
        </Banner>
      )}
      {data && (data.isNew || data.checklist.some((c) => !c.done)) && <OverviewChecklist items={data.checklist} isNew={data.isNew} />}
      {data && !data.isNew && (
        <>
          <OverviewFigures data={data} />
          {Charts ? <Charts series={data.series} /> : <Card><p class='muted' role='status'>{t('overview.charts.loading')}</p></Card>}
          <TiersCard tiers={data.tiers} total={data.members.total} />
        </>
      )}
    </>
  )
}

function TiersCard ({ tiers, total }: { tiers: Dashboard['tiers'], total: number }) {
  const most = Math.max(1, ...tiers.map((x) => x.members))
  return (
    <Card title={t('overview.charts.tiers')} testId='overview-tiers'>
      <ul class='overview-tiers'>
        {tiers.map((tier) => (
          <li key={tier.tierId ?? '-'} class='overview-tiers__row'>
            <span class='overview-tiers__name'>{tier.name ?? t('overview.tiers.none')}</span>
            <span class='overview-tiers__bar'><span style={{ width: `${(tier.members / most) * 100}%` }} /></span>
            <span class='overview-tiers__value'>
              {formatNumber(tier.members)} <span class='muted'>({total > 0 ? formatNumber(Math.round((tier.members / total) * 1000) / 10) : 0}%)</span>
            </span>
          </li>
        ))}
      </ul>
    </Card>
  )
}
