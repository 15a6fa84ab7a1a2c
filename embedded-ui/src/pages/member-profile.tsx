// Hồ sơ thành viên → one member: personal, membership and contact info, points history, manual adjustment, activation.
import { useEffect, useState } from 'preact/hooks'
import { useRoute } from 'preact-iso'
import { api, ApiError } from '../api.ts'
import { PageHeader } from '../components/page-header.tsx'
import { MemberRewards } from './member-rewards.tsx'
import { formatDate, formatDateTime, formatNumber, formatVnd } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'
import { parseWholeNumber } from '../numbers.ts'
import { Pager } from '../components/pager.tsx'

interface Profile {
  customerId: number
  name: string
  personal: { birthday: string | null, gender: 'male' | 'female' | 'unknown', address: string | null, province: string | null, district: string | null, ward: string | null }
  membership: {
    tier: { id: string, name: string }
    pointsAvailable: number
    pointsPending: number
    pointsUsed: number
    pointsExpired: number
    rankPoints: number
    totalSpent: number
    ordersCount: number
    averageOrderValue: number
    lastOrderAt: string | null
    memberSince: string
  }
  contact: { phone: string | null, email: string | null }
}
interface Entry {
  id: number
  kind: string
  points: number
  state: 'pending' | 'available'
  reason: string | null
  source: string
  sourceId: string | null
  createdAt: string
  availableAt: string
  expiresAt: string | null
}
interface History { items: Entry[], total: number, page: number, limit: number }

const PAGE_SIZE = 20
const errorText = (err: unknown) => {
  if (err instanceof ApiError && Array.isArray(err.issues) && err.issues.length > 0) {
    return (err.issues as Array<{ message?: string }>).map(i => i.message).filter(Boolean).join('; ')
  }
  return err instanceof Error ? err.message : String(err)
}
const text = (v: string | null | undefined) => (v && v.trim() !== '' ? v : '—')
// A birthday is a calendar date, not an instant: shown as dd/mm/yyyy without any time zone shift.
const birthday = (v: string | null) => (v ? v.split('-').reverse().join('/') : '—')

function Rows ({ rows, testId }: { rows: Array<[MessageKey, string]>, testId: string }) {
  return (
    <dl class='details' data-testid={testId}>
      {rows.map(([key, value]) => <div class='details__row' key={key}><dt>{t(key)}</dt><dd>{value}</dd></div>)}
    </dl>
  )
}

function HistoryTable ({ customerId, version }: { customerId: string, version: number }) {
  const [page, setPage] = useState(1)
  const [data, setData] = useState<History | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let current = true
    api<History>(`/api/members/${customerId}/points?page=${page}&limit=${PAGE_SIZE}`)
      .then(d => { if (current) setData(d) })
      .catch((err: unknown) => { if (current) setError(errorText(err)) })
    return () => { current = false }
  }, [customerId, page, version])
  const pages = Math.max(1, Math.ceil((data?.total ?? 0) / PAGE_SIZE))
  return (
    <section class='card' data-testid='points-history'>
      <h2 class='card__title'>{t('member.history')}</h2>
      {error && <p class='error-box' role='alert'>{error}</p>}
      {data && data.items.length === 0 && <p class='muted'>{t('member.historyEmpty')}</p>}
      {data && data.items.length > 0 && (
        <table class='table'>
          <thead>
            <tr>
              {(['member.col.createdAt', 'member.col.kind', 'member.col.points', 'member.col.state', 'member.col.reason', 'member.col.source', 'member.col.availableAt', 'member.col.expiresAt'] as const)
                .map(k => <th key={k}>{t(k)}</th>)}
            </tr>
          </thead>
          <tbody>
            {data.items.map(e => (
              <tr key={e.id} data-testid='history-row'>
                <td>{formatDateTime(e.createdAt)}</td>
                <td>{t(`member.kind.${e.kind}` as MessageKey)}</td>
                <td>{e.points > 0 ? `+${formatNumber(e.points)}` : formatNumber(e.points)}</td>
                <td>{t(`member.state.${e.state}` as MessageKey)}</td>
                <td>{text(e.reason)}</td>
                <td>{t(`member.source.${e.source}` as MessageKey)}{e.sourceId ? ` ${e.sourceId}` : ''}</td>
                <td>{formatDate(e.availableAt)}</td>
                <td>{e.expiresAt ? formatDate(e.expiresAt) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data && pages > 1 && <Pager page={page} pages={pages} onPage={setPage} />}
    </section>
  )
}

function AdjustForm ({ customerId, onDone }: { customerId: string, onDone: (p: Profile) => void }) {
  const [points, setPoints] = useState('')
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [ok, setOk] = useState(false)
  const [busy, setBusy] = useState(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    setOk(false)
    const read = parseWholeNumber(points, { signed: true })
    if (!read.ok) { setError(t(read.reason)); return }
    const n = read.value
    if (n === 0 || reason.trim() === '') { setError(t('member.adjustInvalid')); return }
    if (!window.confirm(t('member.confirmAdjust', { points: n > 0 ? `+${n}` : String(n) }))) return
    setBusy(true)
    setError(null)
    try {
      const profile = await api<Profile>(`/api/members/${customerId}/adjustments`, {
        method: 'POST',
        body: JSON.stringify({ points: n, reason: reason.trim() }),
        headers: { 'Idempotency-Key': crypto.randomUUID() },
      })
      setPoints('')
      setReason('')
      setOk(true)
      onDone(profile)
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form class='card' onSubmit={submit} data-testid='adjust-form'>
      <h2 class='card__title'>{t('member.adjust')}</h2>
      <p>
        <label>{t('member.adjustPoints')} <input type='number' step={1} value={points} data-testid='adjust-points' onInput={(e) => setPoints(e.currentTarget.value)} /></label>{' '}
        <label>{t('member.adjustReason')} <input value={reason} maxLength={500} data-testid='adjust-reason' onInput={(e) => setReason(e.currentTarget.value)} /></label>{' '}
        <button class='button' type='submit' disabled={busy} data-testid='adjust-submit'>{t('member.adjustSubmit')}</button>
      </p>
      {error && <p class='error-box' role='alert' data-testid='adjust-error'>{error}</p>}
      {ok && <p class='muted'>{t('member.adjusted')}</p>}
    </form>
  )
}

export function MemberProfilePage () {
  const { params } = useRoute()
  const customerId = params.customerId ?? ''
  const [profile, setProfile] = useState<Profile | null>(null)
  const [state, setState] = useState<'loading' | 'ready' | 'not-member' | 'error'>('loading')
  const [error, setError] = useState<string | null>(null)
  const [version, setVersion] = useState(0)

  useEffect(() => {
    let current = true
    setState('loading')
    api<Profile>(`/api/members/${customerId}`)
      .then(p => { if (current) { setProfile(p); setState('ready') } })
      .catch((err: unknown) => {
        if (!current) return
        if (err instanceof ApiError && err.statusCode === 404) setState('not-member')
        else { setError(errorText(err)); setState('error') }
      })
    return () => { current = false }
  }, [customerId])

  const activate = async () => {
    if (!window.confirm(t('member.confirmActivate'))) return
    try {
      setProfile(await api<Profile>(`/api/members/${customerId}/activate`, { method: 'POST', body: '{}' }))
      setState('ready')
    } catch (err) {
      setError(errorText(err))
    }
  }

  const p = profile
  return (
    <section class='page'>
      <PageHeader title={p ? `${t('member.title')}: ${p.name || customerId}` : t('member.title')} />
      <p><a href='/members'>{t('member.back')}</a></p>
      {state === 'loading' && <p class='muted'>{t('member.loading')}</p>}
      {error && <p class='error-box' role='alert'>{error}</p>}
      {state === 'not-member' && (
        <div class='card' data-testid='not-member'>
          <p>{t('member.notMember')}</p>
          <button type='button' class='button' onClick={activate} data-testid='activate'>{t('member.activate')}</button>
        </div>
      )}
      {state === 'ready' && p && (
        <>
          <section class='card'>
            <h2 class='card__title'>{t('member.personal')}</h2>
            <Rows
              testId='member-personal' rows={[
                ['member.name', text(p.name)],
                ['member.birthday', birthday(p.personal.birthday)],
                ['member.gender', t(`member.gender.${p.personal.gender}` as MessageKey)],
                ['member.address', text(p.personal.address)],
                ['member.ward', text(p.personal.ward)],
                ['member.district', text(p.personal.district)],
                ['member.province', text(p.personal.province)],
              ]}
            />
          </section>
          <section class='card'>
            <h2 class='card__title'>{t('member.membership')}</h2>
            <Rows
              testId='member-membership' rows={[
                ['member.tier', p.membership.tier.name],
                ['member.pointsAvailable', formatNumber(p.membership.pointsAvailable)],
                ['member.pointsPending', formatNumber(p.membership.pointsPending)],
                ['member.pointsUsed', formatNumber(p.membership.pointsUsed)],
                ['member.pointsExpired', formatNumber(p.membership.pointsExpired)],
                ['member.rankPoints', formatNumber(p.membership.rankPoints)],
                ['member.totalSpent', formatVnd(p.membership.totalSpent)],
                ['member.ordersCount', formatNumber(p.membership.ordersCount)],
                ['member.averageOrderValue', formatVnd(p.membership.averageOrderValue)],
                ['member.lastOrderAt', p.membership.lastOrderAt ? formatDate(p.membership.lastOrderAt) : '—'],
                ['member.memberSince', formatDate(p.membership.memberSince)],
              ]}
            />
          </section>
          <section class='card'>
            <h2 class='card__title'>{t('member.contact')}</h2>
            <Rows testId='member-contact' rows={[['member.phone', text(p.contact.phone)], ['member.email', text(p.contact.email)]]} />
          </section>
          <AdjustForm customerId={customerId} onDone={(next) => { setProfile(next); setVersion(v => v + 1) }} />
          <HistoryTable customerId={customerId} version={version} />
          <MemberRewards customerId={customerId} onChange={() => setVersion(v => v + 1)} />
        </>
      )}
    </section>
  )
}
