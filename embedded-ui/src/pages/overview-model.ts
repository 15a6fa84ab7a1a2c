// Tổng quan's data: the GET /api/dashboard shape (api-types/overview.ts), the period presets, and the small formatters the page and charts share.
import { formatNumber } from '../format.ts'

export type { ChecklistId, Dashboard, PeriodFigures, SeriesPoint } from '../../../api-types/overview.ts'

export type Preset = '7' | '30' | '90' | 'month' | 'custom'
export const PRESETS: Preset[] = ['7', '30', '90', 'month', 'custom']

const DAY_MS = 86_400_000
const shift = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10)

/** The period of a preset ending on `today` (the shop's calendar day, as the server reported it). */
export function presetPeriod (preset: Exclude<Preset, 'custom'>, today: string): { from: string, to: string } {
  if (preset === 'month') return { from: `${today.slice(0, 8)}01`, to: today }
  return { from: shift(today, -Number(preset) + 1), to: today }
}

/** `2026-11-30` → `30/11/2026` (a calendar date already: no time-zone conversion). */
export const formatDay = (iso: string): string => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`

const percentFormat = new Intl.NumberFormat('vi-VN', { style: 'percent', maximumFractionDigits: 1 })
export const formatPercent = (ratio: number | null): string => ratio === null ? '—' : percentFormat.format(ratio)

const compactFormat = new Intl.NumberFormat('vi-VN', { notation: 'compact', maximumFractionDigits: 1 })
/** Axis labels: `1,5 Tr`, `250 N`; small numbers as they are. */
export const formatCompact = (n: number): string => Math.abs(n) < 10_000 ? formatNumber(n) : compactFormat.format(n)

/** The change from the previous period as a ratio, or null when the previous period had nothing to compare with. */
export function change (current: number, previous: number): number | null {
  if (previous === 0) return null
  return (current - previous) / Math.abs(previous)
}
