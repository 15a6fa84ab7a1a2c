// JSON as Haravan writes it: money fields keep four decimals (1680000.0000) while staying numbers.
const MONEY_KEYS = new Set([
  'total_spent', 'total_paid', 'price', 'total_discount', 'subtotal_price', 'total_discounts',
  'total_line_items_price', 'total_price', 'total_tax', 'amount', 'minimum_order_amount'
])

// JSON.stringify cannot emit 1680000.0000 as a number, so money is first written as a marked string
// and the quotes are removed afterwards. \u0001 never appears in real data.
const MARK = '\u0001money:'
const MARKED = /"\\u0001money:(-?\d+\.\d{4})"/g

export function toHaravanJson (value: unknown): string {
  const text = JSON.stringify(value, (key, v) => (MONEY_KEYS.has(key) && typeof v === 'number' ? MARK + v.toFixed(4) : v))
  return text.replace(MARKED, '$1')
}
