// The server-paginated customer/member table shared by Hồ sơ thành viên, Khách hàng từ Haravan and a group's members.
import { useEffect, useMemo, useState } from 'preact/hooks'
import { api, ApiError, downloadFile } from '../api.ts'
import { formatDate, formatNumber, formatPhone, formatVnd } from '../format.ts'
import { t, type MessageKey } from '../i18n.ts'
import { useShop } from '../shop.tsx'
import { Pager } from './pager.tsx'
import { Button } from './button.tsx'
import { Checkbox, TextField } from './form.tsx'
import { Table } from './table.tsx'
import { Tabs } from './tabs.tsx'
import { Banner, Badge, Card, EmptyState } from './feedback.tsx'
import { confirmDialog } from './dialog.tsx'
import { toast } from './toast.tsx'
import type { ListItem } from '../../../api-types/lists.ts'

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
    case 'tier': return item.tier?.name ?? (item.isMember ? '—' : <span class='muted'>{t('customers.notRanked')}</span>)
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
  const [reloads, setReloads] = useState(0)
  const [exporting, setExporting] = useState(false)
  const [activating, setActivating] = useState(false)

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
  const ariaSort = (key: string) => sort === `${key}:desc` ? 'descending' : sort === `${key}:asc` ? 'ascending' : undefined
  const sortMark = (key: string) => sort === `${key}:desc` ? ' ↓' : sort === `${key}:asc` ? ' ↑' : ''
  const items = data?.items ?? []
  const selectableIds = items.filter((i) => !i.isMember).map((i) => i.customerId)

  async function activate (ids: number[]) {
    if (ids.length === 0) return
    const ok = await confirmDialog({
      title: t('customers.activateTitle'),
      body: t('customers.activateConfirm', { count: formatNumber(ids.length) }),
      consequences: [t('customers.activateConsequence1'), t('customers.activateConsequence2')],
      confirmLabel: t('customers.activate'),
    })
    if (!ok) return
    setActivating(true)
    try {
      const result = await api<{ activated: number[], alreadyMembers: number[] }>('/api/customers/activate', { method: 'POST', body: JSON.stringify({ customerIds: ids }) })
      toast(t('customers.activateDone', { activated: formatNumber(result.activated.length), already: formatNumber(result.alreadyMembers.length) }))
      setReloads((n) => n + 1)
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, String(err)))
    } finally {
      setActivating(false)
    }
  }

  async function exportCsv () {
    setExporting(true)
    try { await downloadFile(`${exportPath}?${params}`, exportName) } catch (err) { setError(err as ApiError) } finally { setExporting(false) }
  }

  const toggleColumn = (key: ColumnKey) => setColumns(columns.includes(key) ? columns.filter((c) => c !== key) : OPTIONAL_COLUMNS.filter((c) => c === key || columns.includes(c)))
  const toggleOne = (id: number) => { const next = new Set(selected); if (next.has(id)) next.delete(id); else next.add(id); setSelected(next) }

  return (
    <Card testId='customer-list'>
      {tabs.length > 0 && (
        <Tabs label='customers.savedFilters' selected={tab} onSelect={setTab} tabs={tabs.map((x) => ({ key: x.key, label: t(x.label) }))} />
      )}
      <div class='toolbar'>
        <div class='toolbar__search'>
          <TextField type='search' label={t('customers.search')} hideLabel value={search} placeholder={t('customers.search')} onValue={setSearch} data-testid='customer-search' />
        </div>
        <div class='popover'>
          <Button aria-expanded={pickerOpen} onClick={() => setPickerOpen(!pickerOpen)}>{t('customers.columns')} ▾</Button>
          {pickerOpen && (
            <div class='popover__menu'>
              {OPTIONAL_COLUMNS.map((key) => (
                <Checkbox key={key} label={t(`col.${key}` as MessageKey)} checked={columns.includes(key)} onValue={() => toggleColumn(key)} />
              ))}
            </div>
          )}
        </div>
        {selectable && selected.size > 0 && (
          <Button variant='primary' busy={activating} onClick={() => activate([...selected])} data-testid='activate-selected'>
            {t('customers.activate')} ({t('customers.selected', { count: selected.size })})
          </Button>
        )}
        <Button busy={exporting} onClick={exportCsv}>{exporting ? t('customers.exporting') : t('customers.export')}</Button>
      </div>
      {error && <Banner tone='critical'><strong>{t('customers.loadError')}</strong> {error.message}</Banner>}
      <p class='muted' data-testid='list-total'>{data ? t('customers.total', { total: formatNumber(data.total) }) : t('customers.loading')}</p>
      {data && items.length === 0
        ? <EmptyState title={t('customers.empty')} />
        : (
          <Table label={t('customers.tableLabel')} testId='customer-table'>
            <thead>
              <tr>
                {selectable && (
                  <th class='cell-check'>
                    <input
                      type='checkbox' aria-label={t('customers.selectAll')} disabled={selectableIds.length === 0}
                      checked={selectableIds.length > 0 && selectableIds.every((id) => selected.has(id))}
                      onChange={(e) => setSelected(e.currentTarget.checked ? new Set(selectableIds) : new Set())}
                    />
                  </th>
                )}
                <th aria-sort={ariaSort('name')}><button type='button' class='table__sort' onClick={() => toggleSort('name')}>{t('col.nameEmail')}{sortMark('name')}</button></th>
                <th>{t('col.phone')}</th>
                {columns.map((key) => (
                  <th key={key} class={key === 'tier' ? '' : 'num'} aria-sort={key === 'tier' ? undefined : ariaSort(key)}>
                    {key === 'tier' ? t('col.tier') : <button type='button' class='table__sort' onClick={() => toggleSort(key)}>{t(`col.${key}` as MessageKey)}{sortMark(key)}</button>}
                  </th>
                ))}
                {selectable && <th>{t('col.status')}</th>}
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.customerId} data-testid='customer-row'>
                  {selectable && (
                    <td class='cell-check'>
                      {!item.isMember && <input type='checkbox' aria-label={t('customers.select')} checked={selected.has(item.customerId)} onChange={() => toggleOne(item.customerId)} />}
                    </td>
                  )}
                  <td class='cell-person'>
                    {item.isMember ? <a href={`/members/${item.customerId}`}>{item.name || '—'}</a> : <span>{item.name || '—'}</span>}
                    {item.email && <span class='cell-person__sub'>{item.email}</span>}
                  </td>
                  <td class='nowrap'>{formatPhone(item.phone)}</td>
                  {columns.map((key) => <td key={key} class={key === 'tier' ? '' : 'num'}>{cell(item, key, timeZone)}</td>)}
                  {selectable && (
                    <td class='nowrap'>
                      {item.isMember
                        ? <Badge tone='success'>{t('customers.member')}</Badge>
                        : <Button slim disabled={activating} onClick={() => activate([item.customerId])} data-testid='activate-one' aria-label={`${t('customers.activate')}: ${item.name}`}>{t('customers.activateShort')}</Button>}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </Table>
          )}
      <Pager page={page} pages={pages} onPage={setPage} />
    </Card>
  )
}
