// Why a typed number was refused (embedded-ui/src/numbers.ts).
export const vi = {
  'numbers.empty': 'Chưa nhập số.',
  'numbers.negative': 'Không được nhập số âm.',
  'numbers.fraction': 'Chỉ nhập số nguyên, không có phần lẻ.',
  'numbers.notWhole': 'Chỉ nhập số nguyên, ví dụ 1.000 hoặc 1000.',
  'numbers.notDecimal': 'Chỉ nhập số, ví dụ 1,5 hoặc 1.5.',
  'numbers.tooLarge': 'Số quá lớn.',
}

export const en: Record<keyof typeof vi, string> = {
  'numbers.empty': 'Enter a number.',
  'numbers.negative': 'Negative numbers are not allowed.',
  'numbers.fraction': 'Whole numbers only, no decimals.',
  'numbers.notWhole': 'Whole numbers only, e.g. 1,000 or 1000.',
  'numbers.notDecimal': 'Numbers only, e.g. 1.5.',
  'numbers.tooLarge': 'The number is too large.',
}
