// Campaign templates: `{{bien}}` variables, checked against the known list and rendered (HTML-escaped for email bodies).

/** The variables a template may use, with what each means (shown in the editor's "Chèn biến" menu). */
export const TEMPLATE_VARIABLES = {
  ten: 'Tên khách hàng',
  ho_ten: 'Họ và tên',
  diem: 'Điểm hiện có',
  hang: 'Hạng thành viên',
  diem_len_hang: 'Điểm xếp hạng còn thiếu để lên hạng kế tiếp',
  hang_tiep_theo: 'Tên hạng kế tiếp',
  ma_giam_gia: 'Mã giảm giá (riêng từng khách)',
  han_su_dung: 'Hạn sử dụng mã (dd/mm/yyyy)',
  uu_dai: 'Nội dung ưu đãi (vd. Giảm 50.000 ₫)',
  ten_cua_hang: 'Tên cửa hàng',
  ngay_sinh: 'Ngày sinh (dd/mm)',
} as const

export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES
export type TemplateValues = Partial<Record<TemplateVariable, string>>

// `{{ ten }}`: letters, digits and underscores, spaces allowed inside the braces.
const VARIABLE = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g

export function isTemplateVariable (name: string): name is TemplateVariable {
  return Object.hasOwn(TEMPLATE_VARIABLES, name)
}

/** Every variable name used by the template, in order of first use. */
export function templateVariables (template: string): string[] {
  const seen = new Set<string>()
  for (const m of template.matchAll(VARIABLE)) seen.add(m[1]!)
  return [...seen]
}

/** The names used by the template that do not exist. */
export function unknownVariables (template: string): string[] {
  return templateVariables(template).filter(v => !isTemplateVariable(v))
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml (s: string): string {
  return s.replace(/[&<>"']/g, c => HTML_ESCAPES[c]!)
}

/**
 * Replaces each known variable by its value (escaped when `html`), a known one without a value by '' and leaves
 * anything else exactly as written (templates are validated before they are saved, so that only happens in tests).
 * Single pass: a value that itself looks like `{{x}}` is never expanded again.
 */
export function renderTemplate (template: string, values: TemplateValues, opts: { html?: boolean } = {}): string {
  return template.replace(VARIABLE, (whole, name: string) => {
    if (!isTemplateVariable(name)) return whole
    const value = values[name] ?? ''
    return opts.html ? escapeHtml(value) : value
  })
}
