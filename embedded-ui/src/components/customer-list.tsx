// The server-paginated customer/member table shared by Hồ sơ thành viên, Khách hàng từ Haravan and a group's members.
import { useEffect, useMemo, useState } from 'preact/hooks'
import { api, ApiError, downloadFile } from '../api.ts'
import { formatDate, formatNumber, formatVnd } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'
import { useShop } from '../shop.tsx'
import './customer-list.css'
import { Pager } from './pager.tsx'

export interface ListItem {
  customerId: number
  name: string
  phone: string | null
  email: string | null
  tier: { id: string, name: string } | null
  pointsAvailable: number
  pointsPending: number
  pointsUsed: number
  rankPoints: number
  totalSpent: number
  ordersCount: number
  avgOrderValue: number
  lastOrderAt: string | null
  memberSince: string | null
  isMember: boolean
}

type ColumnKey = 'tier' | 'pointsAvailable' | 'pointsPending' | 'pointsUsed' | 'rankPoints' | 'totalSpent' | 'ordersCount' | 'avgOrderValue' | 'lastOrderAt' | 'memberSince'
const OPTIONAL_COLUMNS: ColumnKey[] = ['tier', 'pointsAvailable', 'pointsPending', 'pointsUsed', 'rankPoints', 'totalSpent', 'ordersCount', 'avgOrderValue', 'lastOrderAt', 'memberSince']
const DEFAULT_COLUMNS: ColumnKey[] = ['tier', 'pointsAvailable', 'totalSpent', 'ordersCount', 'lastOrderAt']
const PAGE_SIZE = 20

export interface Tab { key: string, label: MessageKey, params: Record<string, string> }

export function useTimeZone (): string {
  const { state } = useShop()
  return state.status === 'ready' ? ((state.shop as { timezone?: string }).timezone ?? 'Asia/Ho_Chi_Minh') : 'Asia/Ho_Chi_Minh'
}

export function useDebounced<T> (value: T, ms = 300): T {
  const [debounced, setDebounced] = useState(value)
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms)
    return () => clearTimeout(timer)
  }, [value, ms])
  return debounced
}

/** Exports go through fetch (the Bearer token cannot ride on a plain link), then the blob is saved. */
function cell (item: ListItem, key: ColumnKey, timeZone: string) {
  switch (key) {
    case 'tier': return item.tier?.name ?? (item.isMember ? '—' : t('customers.notRanked'))
    case 'totalSpent': case 'avgOrderValue': return formatVnd(item[key])
    case 'lastOrderAt': case 'memberSince': return item[key] ? formatDate(item[key]!, timeZone) : '—'
    default: return item.isMember ? formatNumber(item[key]) : '—'
  }
}

interface Props {
  endpoint: string
  exportPath: string
  exportName: string
  tabs?: Tab[]
  selectable?: boolean
  baseParams?: Record<string, string>
  defaultSort: string
}

export function CustomerList ({ endpoint, exportPath, exportName, tabs = [], selectable = false, baseParams = {}, defaultSort }: Props) {
  const timeZone = useTimeZone()
  const [search, setSearch] = useState('')
  const q = useDebounced(search.trim())
  const [tab, setTab] = useState(tabs[0]?.key ?? '')
  const [sort, setSort] = useState(defaultSort)
  const [page, setPage] = useState(1)
  const [columns, setColumns] = useState<ColumnKey[]>(DEFAULT_COLUMNS)
  const [pickerOpen, setPickerOpen] = useState(false)
  const [data, setData] = useState<{ items: ListItem[], total: number } | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const [selected, setSelected] = useState<Set<number>>(new Set())
  const [notice, setNotice] = useState('')
  const [reloads, setReloads] = useState(0)
  const [exporting, setExporting] = useState(false)

  const params = useMemo(() => {
    const p = new URLSearchParams(baseParams)
    for (const [k, v] of Object.entries(tabs.find((x) => x.key === tab)?.params ?? {})) p.set(k, v)
    if (q) p.set('q', q)
    return p
  }, [JSON.stringify(baseParams), tab, q])

  useEffect(() => { setPage(1) }, [params.toString(), sort])
  useEffect(() => {
    let current = true
    const p = new URLSearchParams(params)
    p.set('page', String(page))
    p.set('limit', String(PAGE_SIZE))
    p.set('sort', sort)
    setError(null)
    api<{ items: ListItem[], total: number }>(`${endpoint}?${p}`)
      .then((body) => { if (current) { setData(body); setSelected(new Set()) } })
      .catch((err: unknown) => { if (current) setError(err instanceof ApiError ? err : new ApiError(0, String(err))) })
    return () => { current = false }
  }, [endpoint, params.toString(), page, sort, reloads])

  const pages = Math.max(1, Math.ceil((data?.total ?? 0) / PAGE_SIZE))
  const toggleSort = (key: string) => setSort(sort === `${key}:desc` ? `${key}:asc` : `${key}:desc`)
  const sortMark = (key: string) => sort === `${key}:desc` ? ' ↓' : sort === `${key}:asc` ? ' ↑' : ''
  const items = data?.items ?? []

  async function activate (ids: number[]) {
    if (ids.length === 0 || !window.confirm(t('customers.activateConfirm', { count: ids.length }))) return
    try {
      const result = await api<{ activated: number[], alreadyMembers: number[] }>('/api/customers/activate', { method: 'POST', body: JSON.stringify({ customerIds: ids }) })
      setNotice(t('customers.activateDone', { activated: result.activated.length, already: result.alreadyMembers.length }))
      setReloads((n) => n + 1)
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, String(err)))
    }
  }

  async function exportCsv () {
    setExporting(true)
    try { await downloadFile(`${exportPath}?${params}`, exportName) } catch (err) { setError(err as ApiError) } finally { setExporting(false) }
  }

  return (
    <section class='card'>
      {tabs.length > 0 && (
        <div class='cl-tabs' role='tablist' aria-label={t('customers.savedFilters')}>
          {tabs.map((x) => (
            <button key={x.key} type='button' role='tab' class='cl-tab' aria-selected={x.key === tab} onClick={() => setTab(x.key)}>{t(x.label)}</button>
          ))}
        </div>
      )}
      <div class='cl-toolbar'>
        <input type='search' value={search} placeholder={t('customers.search')} aria-label={t('customers.search')} onInput={(e) => setSearch(e.currentTarget.value)} />
        <div class='cl-picker'>
          <button type='button' class='button button--ghost' aria-expanded={pickerOpen} onClick={() => setPickerOpen(!pickerOpen)}>{t('customers.columns')}</button>
          {pickerOpen && (
            <div class='cl-picker__menu'>
              {OPTIONAL_COLUMNS.map((key) => (
                <label key={key}>
                  <input type='checkbox' checked={columns.includes(key)} onChange={() => setColumns(columns.includes(key) ? columns.filter((c) => c !== key) : OPTIONAL_COLUMNS.filter((c) => c === key || columns.includes(c)))} /> {t(`col.${key}` as MessageKey)}
                </label>
              ))}
            </div>
          )}
        </div>
        {selectable && selected.size > 0 && (
          <button type='button' class='button' onClick={() => activate([...selected])}>{t('customers.activate')} ({t('customers.selected', { count: selected.size })})</button>
        )}
        <button type='button' class='button button--ghost' disabled={exporting} onClick={exportCsv}>{exporting ? t('customers.exporting') : t('customers.export')}</button>
      </div>
      {notice && <p class='cl-notice' role='status'>{notice}</p>}
      {error && <div class='error-box' role='alert'><p><strong>{t('customers.loadError')}</strong> {error.message}</p></div>}
      <p class='muted'>{data ? t('customers.total', { total: formatNumber(data.total) }) : t('customers.loading')}</p>
      <div class='cl-table-wrap'>
        <table class='cl-table'>
          <thead>
            <tr>
              {selectable && (
                <th>
                  <input
                    type='checkbox' aria-label={t('customers.selectAll')}
                    checked={items.length > 0 && items.filter((i) => !i.isMember).every((i) => selected.has(i.customerId)) && selected.size > 0}
                    onChange={(e) => setSelected(e.currentTarget.checked ? new Set(items.filter((i) => !i.isMember).map((i) => i.customerId)) : new Set())}
                  />
                </th>
              )}
              <th><button type='button' class='cl-sort' onClick={() => toggleSort('name')}>{t('col.name')}{sortMark('name')}</button></th>
              <th>{t('col.phone')}</th>
              <th>{t('col.email')}</th>
              {columns.map((key) => (
                <th key={key} class={key === 'tier' ? '' : 'num'}>
                  {key === 'tier' ? t('col.tier') : <button type='button' class='cl-sort' onClick={() => toggleSort(key)}>{t(`col.${key}` as MessageKey)}{sortMark(key)}</button>}
                </th>
              ))}
              {selectable && <th>{t('col.status')}</th>}
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.customerId}>
                {selectable && (
                  <td>
                    {!item.isMember && (
                      <input
                        type='checkbox' aria-label={t('customers.select')} checked={selected.has(item.customerId)}
                        onChange={() => { const next = new Set(selected); if (next.has(item.customerId)) next.delete(item.customerId); else next.add(item.customerId); setSelected(next) }}
                      />
                    )}
                  </td>
                )}
                <td>{item.isMember ? <a href={`/members/${item.customerId}`}>{item.name || '—'}</a> : (item.name || '—')}</td>
                <td>{item.phone ?? '—'}</td>
                <td>{item.email ?? '—'}</td>
                {columns.map((key) => <td key={key} class={key === 'tier' ? '' : 'num'}>{cell(item, key, timeZone)}</td>)}
                {selectable && (
                  <td>{item.isMember ? t('customers.member') : <button type='button' class='button button--ghost' onClick={() => activate([item.customerId])}>{t('customers.activate')}</button>}</td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data && items.length === 0 && <p class='muted'>{t('customers.empty')}</p>}
      <Pager page={page} pages={pages} onPage={setPage} />
    </section>
  )
}
