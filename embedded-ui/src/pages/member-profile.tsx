// Hồ sơ thành viên → one member: personal, membership and contact info, points history, manual adjustment, activation.
import { useEffect, useState } from 'preact/hooks'
import { useRoute } from 'preact-iso'
import { api, ApiError } from '../api.ts'
import { PageHeader } from '../components/page-header.tsx'
import { MemberRewards } from './member-rewards.tsx'
import { HistoryTable } from './member-history.tsx'
import { MemberConsents, MemberMessages } from './member-messaging.tsx'
import { Button } from '../components/button.tsx'
import { Banner, Card } from '../components/feedback.tsx'
import { NumberField, TextField } from '../components/form.tsx'
import { confirmDialog } from '../components/dialog.tsx'
import { toast } from '../components/toast.tsx'
import { useTimeZone } from '../components/customer-list.tsx'
import { formatDate, formatNumber, formatPhone, formatSignedPoints, formatVnd } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'
import { parseWholeNumber } from '../numbers.ts'

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

function AdjustForm ({ customerId, available, onDone }: { customerId: string, available: number, onDone: (p: Profile) => void }) {
  const [points, setPoints] = useState('')
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    const read = parseWholeNumber(points, { signed: true })
    if (!read.ok) { setError(t(read.reason)); return }
    const n = read.value
    if (n === 0 || reason.trim() === '') { setError(t('member.adjustInvalid')); return }
    setError(null)
    const after = available + n
    const ok = await confirmDialog({
      title: t('member.adjustTitle'),
      consequences: [
        t('member.adjustCurrent', { points: formatNumber(available) }),
        t('member.adjustChange', { points: formatSignedPoints(n) }),
        t('member.adjustResult', { points: formatNumber(after) }),
        t('member.adjustReasonLine', { reason: reason.trim() }),
      ],
      warning: after < 0 ? t('member.adjustNegative', { points: formatNumber(after) }) : undefined,
      confirmLabel: t('member.adjustSubmit'),
      danger: n < 0,
    })
    if (!ok) return
    setBusy(true)
    try {
      const profile = await api<Profile>(`/api/members/${customerId}/adjustments`, {
        method: 'POST',
        body: JSON.stringify({ points: n, reason: reason.trim() }),
        headers: { 'Idempotency-Key': crypto.randomUUID() },
      })
      setPoints('')
      setReason('')
      toast(t('member.adjusted'))
      onDone(profile)
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <Card title={t('member.adjust')} testId='adjust-form'>
      <form onSubmit={submit} class='stack'>
        <div class='form-row'>
          <div style={{ width: '180px' }}><NumberField label={t('member.adjustPoints')} value={points} data-testid='adjust-points' onValue={setPoints} /></div>
          <div style={{ flex: '1 1 240px' }}><TextField label={t('member.adjustReason')} value={reason} maxLength={500} data-testid='adjust-reason' onValue={setReason} /></div>
          <Button variant='primary' type='submit' busy={busy} data-testid='adjust-submit'>{t('member.adjustSubmit')}</Button>
        </div>
        <p class='field__hint' style={{ margin: 0 }}>{t('member.adjustHint')}</p>
        {error && <Banner tone='critical' testId='adjust-error'>{error}</Banner>}
      </form>
    </Card>
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

  const timeZone = useTimeZone()
  const activate = async () => {
    if (!await confirmDialog({ title: t('member.activate'), body: t('member.confirmActivate'), confirmLabel: t('member.activate') })) return
    try {
      setProfile(await api<Profile>(`/api/members/${customerId}/activate`, { method: 'POST', body: '{}' }))
      setState('ready')
    } catch (err) {
      setError(errorText(err))
    }
  }

  const p = profile
  return (
    <>
      <PageHeader title={p ? `${p.name || customerId}` : t('member.title')} back={{ href: '/members', label: t('member.back') }} />
      {state === 'loading' && <p class='muted'>{t('member.loading')}</p>}
      {error && <Banner tone='critical'>{error}</Banner>}
      {state === 'not-member' && (
        <Card testId='not-member'>
          <p>{t('member.notMember')}</p>
          <Button variant='primary' onClick={activate} data-testid='activate'>{t('member.activate')}</Button>
        </Card>
      )}
      {state === 'ready' && p && (
        <>
          <Card title={t('member.summary')}>
            <dl class='stat-list' data-testid='member-summary'>
              <div class='stat'><dt>{t('member.tier')}</dt><dd>{p.membership.tier.name}</dd></div>
              <div class='stat'><dt>{t('member.pointsAvailable')}</dt><dd data-testid='points-available'>{formatNumber(p.membership.pointsAvailable)}</dd></div>
              <div class='stat'><dt>{t('member.pointsPending')}</dt><dd>{formatNumber(p.membership.pointsPending)}</dd></div>
              <div class='stat'><dt>{t('member.totalSpent')}</dt><dd>{formatVnd(p.membership.totalSpent)}</dd></div>
            </dl>
          </Card>
          <div class='grid-2' style={{ marginTop: '16px' }}>
            <Card title={t('member.personal')} style={{ marginTop: 0 }}>
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
            </Card>
            <div>
              <Card title={t('member.contact')} style={{ marginTop: 0 }}>
                <Rows testId='member-contact' rows={[['member.phone', formatPhone(p.contact.phone)], ['member.email', text(p.contact.email)]]} />
              </Card>
              <Card title={t('member.membership')}>
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
                    ['member.lastOrderAt', p.membership.lastOrderAt ? formatDate(p.membership.lastOrderAt, timeZone) : '—'],
                    ['member.memberSince', formatDate(p.membership.memberSince, timeZone)],
                  ]}
                />
              </Card>
            </div>
          </div>
          <AdjustForm customerId={customerId} available={p.membership.pointsAvailable} onDone={(next) => { setProfile(next); setVersion(v => v + 1) }} />
          <HistoryTable customerId={customerId} version={version} />
          <MemberRewards customerId={customerId} onChange={() => { setVersion(v => v + 1); api<Profile>(`/api/members/${customerId}`).then(setProfile).catch(() => {}) }} />
          <MemberConsents customerId={customerId} />
          <MemberMessages customerId={customerId} />
        </>
      )}
    </>
  )
}
