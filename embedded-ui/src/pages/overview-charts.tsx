// Tổng quan's time charts, drawn with uPlot: this module (and the library) loads only when the overview shows figures.
import { useEffect, useMemo, useRef } from 'preact/hooks'
import UPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import { formatNumber, formatVnd } from '../format.ts'
import { t } from '../i18n.ts'
import { Card } from '../components/feedback.tsx'
import { formatCompact, formatDay, type SeriesPoint } from './overview-model.ts'

interface Line { label: string, values: number[], color: string, money?: boolean, bars?: boolean }

const HEIGHT = 200
// Colours come from tokens.css (canvas cannot read CSS variables itself); the fallback is the token's own value.
const token = (name: string, fallback: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback
// Days as UTC midnights, shown as the calendar dates they are (dd/mm) whatever the browser's zone.
const toSeconds = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000
const dayLabel = (seconds: number) => formatDay(new Date(seconds * 1000).toISOString().slice(0, 10))

function TimeChart ({ dates, lines, testId }: { dates: string[], lines: Line[], testId: string }) {
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const el = box.current
    if (!el) return
    const bars = UPlot.paths.bars?.({ size: [0.7, 24] })
    const money = lines.some((l) => l.money)
    const axis = { stroke: token('--color-chart-axis', '#6d7175'), grid: { stroke: token('--color-chart-grid', '#eef0f2') } }
    const plot = new UPlot({
      width: Math.max(240, el.clientWidth),
      height: HEIGHT,
      tzDate: (ts) => UPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      cursor: { drag: { x: false, y: false } },
      scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [
        { values: (_u, splits) => splits.map((s) => dayLabel(s).slice(0, 5)), ...axis },
        { values: (_u, splits) => splits.map(formatCompact), ...axis, size: 56 },
      ],
      series: [
        { label: t('overview.chart.day'), value: (_u, v) => v === null ? '—' : dayLabel(v) },
        ...lines.map((l) => ({
          label: l.label,
          stroke: l.color,
          fill: l.bars ? l.color : `${l.color}22`,
          width: l.bars ? 0 : 2,
          paths: l.bars ? bars : undefined,
          points: { show: false },
          value: (_u: UPlot, v: number | null) => v === null ? '—' : money ? formatVnd(v) : formatNumber(v),
        })),
      ],
    }, [dates.map(toSeconds), ...lines.map((l) => l.values)], el)
    // Follow the card's width (the page never scrolls sideways).
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(240, el.clientWidth), height: HEIGHT }))
    resize.observe(el)
    return () => { resize.disconnect(); plot.destroy() }
  }, [dates, lines])
  return <div ref={box} class='overview-chart' data-testid={testId} />
}

export default function OverviewCharts ({ series }: { series: SeriesPoint[] }) {
  // Built once per answer: a chart is redrawn only when its data changes, not on every render of the page.
  const charts = useMemo(() => {
    const pick = (k: keyof Omit<SeriesPoint, 'date'>) => series.map((s) => s[k])
    return {
      dates: series.map((s) => s.date),
      revenue: [
        { label: t('overview.series.memberRevenue'), values: pick('memberRevenue'), color: token('--color-chart-1', '#2962ff'), money: true },
        { label: t('overview.series.nonMemberRevenue'), values: pick('nonMemberRevenue'), color: token('--color-chart-2', '#8c9196'), money: true },
      ],
      points: [
        { label: t('overview.series.earned'), values: pick('pointsEarned'), color: token('--color-chart-3', '#008060') },
        { label: t('overview.series.redeemed'), values: pick('pointsRedeemed'), color: token('--color-chart-4', '#e07b00') },
      ],
      members: [{ label: t('overview.series.newMembers'), values: pick('newMembers'), color: token('--color-chart-5', '#5c6bc0'), bars: true }],
    }
  }, [series])
  return (
    <div class='overview-charts'>
      <Card title={t('overview.charts.revenue')}>
        <TimeChart testId='chart-revenue' dates={charts.dates} lines={charts.revenue} />
      </Card>
      <Card title={t('overview.charts.points')}>
        <TimeChart testId='chart-points' dates={charts.dates} lines={charts.points} />
      </Card>
      <Card title={t('overview.charts.members')}>
        <TimeChart testId='chart-members' dates={charts.dates} lines={charts.members} />
      </Card>
    </div>
  )
}
