// Campaign templates: known variables replaced, unknown ones named, values HTML-escaped in email and never re-expanded.
import fc from 'fast-check'
import t from 'tap'
import { escapeHtml, renderTemplate, TEMPLATE_VARIABLES, templateVariables, unknownVariables, type TemplateVariable } from '../../server/campaigns/template.ts'

const names = Object.keys(TEMPLATE_VARIABLES) as TemplateVariable[]
const known = fc.constantFrom(...names)
const plain = fc.string({ maxLength: 30 }).filter(s => !s.includes('{{') && !s.includes('}}'))

t.test('renders every known variable with its value', async (t) => {
  t.equal(renderTemplate('Chào {{ten}}, bạn có {{ diem }} điểm', { ten: 'Lan', diem: '1.200' }), 'Chào Lan, bạn có 1.200 điểm')
  t.equal(renderTemplate('{{hang}}', {}), '', 'a known variable without a value is empty')
})

t.test('a template of text and known variables renders to the text with each value in place', async (t) => {
  fc.assert(fc.property(fc.array(fc.tuple(plain, known), { maxLength: 8 }), plain, fc.dictionary(known, plain), (pieces, tail, values) => {
    const template = pieces.map(([text, v]) => `${text}{{${v}}}`).join('') + tail
    const expected = pieces.map(([text, v]) => text + (values[v] ?? '')).join('') + tail
    return renderTemplate(template, values) === expected && unknownVariables(template).length === 0
  }))
})

t.test('HTML rendering escapes values, so no value can inject markup', async (t) => {
  fc.assert(fc.property(known, fc.string({ maxLength: 40 }), (v, value) => {
    const out = renderTemplate(`<p>{{${v}}}</p>`, { [v]: value }, { html: true })
    return out === `<p>${escapeHtml(value)}</p>` && !/[<>"']/.test(out.slice(3, -4))
  }))
  t.equal(renderTemplate('<b>{{ho_ten}}</b>', { ho_ten: '<script>alert(1)</script> & "x"' }, { html: true }),
    '<b>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;</b>')
})

t.test('a value that looks like a variable is not expanded again', async (t) => {
  fc.assert(fc.property(known, known, (a, b) => a === b || renderTemplate(`{{${a}}}`, { [a]: `{{${b}}}`, [b]: 'X' } as Record<TemplateVariable, string>) === `{{${b}}}`))
})

t.test('unknown variables are listed by name, known ones never', async (t) => {
  t.same(unknownVariables('{{ten}} {{ma_khuyen_mai}} {{ ho }} {{ten}}'), ['ma_khuyen_mai', 'ho'])
  t.same(templateVariables('{{ten}}{{ten}}{{diem}}'), ['ten', 'diem'])
  fc.assert(fc.property(fc.stringMatching(/^[a-z_]{1,12}$/), (name) => {
    const unknown = unknownVariables(`x {{${name}}} y`)
    return names.includes(name as TemplateVariable) ? unknown.length === 0 : unknown[0] === name
  }))
})
