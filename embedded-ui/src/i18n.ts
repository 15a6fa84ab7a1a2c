// Tiny i18n: Vietnamese first, English second; every visible string goes through t().
import { useEffect, useState } from 'preact/hooks'
import { localStore } from './storage.ts'
import { vi as customersVi, en as customersEn } from './messages/customers.ts'
import { vi as importsVi, en as importsEn } from './messages/imports.ts'
import { vi as loyaltyVi, en as loyaltyEn } from './messages/loyalty.ts'
import { vi as numbersVi, en as numbersEn } from './messages/numbers.ts'
import { vi as rewardsVi, en as rewardsEn } from './messages/rewards.ts'
import { vi as commonVi, en as commonEn } from './messages/common.ts'
import { vi as campaignsVi, en as campaignsEn } from './messages/campaigns.ts'
import { vi as messagingVi, en as messagingEn } from './messages/messaging.ts'
import { vi as overviewVi, en as overviewEn } from './messages/overview.ts'
// Feature strings live in ./messages/<feature>.ts (vi + en) and are spread into the dictionaries below.

export type Language = 'vi' | 'en'

export const vi = {
  'app.name': 'Tích Điểm',
  'app.tagline': 'Khách hàng thân thiết',
  'language.label': 'Ngôn ngữ',
  'language.vi': 'Tiếng Việt',
  'language.en': 'English',

  'nav.label': 'Điều hướng chính',
  'nav.overview': 'Tổng quan',
  'nav.members': 'Hồ sơ thành viên',
  'nav.customers': 'Khách hàng từ Haravan',
  'nav.segments': 'Nhóm khách hàng',
  'nav.campaigns': 'Chiến dịch',
  'nav.settings': 'Cấu hình',
  'nav.settingsLoyalty': 'Loyalty',
  'nav.settingsMessages': 'Tin nhắn',
  'nav.settingsImport': 'Nhập dữ liệu đầu kỳ',
  'nav.settingsActivity': 'Nhật ký hoạt động',

  'topbar.shopLoading': 'Đang tải cửa hàng…',
  'topbar.shopLabel': 'Cửa hàng',

  'auth.expiredTitle': 'Phiên làm việc đã hết hạn',
  'auth.expiredBody': 'Phiên làm việc đã hết hạn. Hãy mở lại ứng dụng từ trang quản trị Haravan.',
  'auth.missingTitle': 'Hãy mở Tích Điểm từ trang quản trị Haravan',
  'auth.missingBody': 'Không tìm thấy phiên làm việc. Ứng dụng chỉ dùng được khi mở từ mục Ứng dụng trong trang quản trị Haravan của cửa hàng.',
  'auth.installLink': 'Đăng nhập bằng Haravan để cài đặt hoặc mở ứng dụng',

  'common.retry': 'Thử lại',

  'page.unavailable': 'Tính năng này chưa có trong phiên bản hiện tại.',
  'page.members.description': 'Danh sách khách hàng đã kích hoạt thành viên, điểm thưởng, hạng và lịch sử mua hàng.',
  'page.customers.description': 'Tất cả khách hàng đồng bộ từ Haravan Omnichannel, gồm cả khách đã đăng ký và chưa đăng ký thành viên, và kích hoạt thành viên bằng tay.',
  'page.segments.description': 'Gộp khách hàng có điểm chung theo điều kiện lọc (ví dụ sinh tháng 10, đã mua từ 5 triệu trở lên) để làm đối tượng cho chiến dịch.',
  'page.campaigns.description': 'Gửi thông báo, mã khuyến mãi, lời chúc sinh nhật, lời cảm ơn sau mua hàng và nhắc mua lại qua email và SMS.',
  'page.settingsLoyalty.description': 'Cấu hình tích điểm (số tiền quy đổi ra điểm, thời gian chờ, hết hạn điểm) và cấu hình thăng hạng thành viên.',
  'page.settingsMessages.description': 'Cấu hình gửi email qua SMTP (ví dụ Gmail) và SMS qua VietGuys cho các chiến dịch.',
  'page.settingsImport.description': 'Nhập điểm và doanh thu của khách hàng từ hệ thống cũ bằng file CSV mẫu (HoTen, DienThoai, Email, DTDauKy, DTTichLuy).',
  'page.settingsActivity.description': 'Lịch sử các thao tác trong ứng dụng: thay đổi cấu hình, điều chỉnh điểm và nhập dữ liệu.',

  'notFound.title': 'Không tìm thấy trang',
  'notFound.body': 'Đường dẫn này không có trong Tích Điểm.',
  'notFound.back': 'Về trang Tổng quan',
  ...customersVi,
  ...importsVi,
  ...loyaltyVi,
  ...numbersVi,
  ...rewardsVi,
  ...commonVi,
  ...campaignsVi,
  ...messagingVi,
  ...overviewVi,
}

export type MessageKey = keyof typeof vi

// Typed against vi so a key missing in English fails the type check, not the merchant.
export const en: Record<MessageKey, string> = {
  'app.name': 'Tích Điểm',
  'app.tagline': 'Customer loyalty',
  'language.label': 'Language',
  'language.vi': 'Tiếng Việt',
  'language.en': 'English',

  'nav.label': 'Main navigation',
  'nav.overview': 'Overview',
  'nav.members': 'Member profiles',
  'nav.customers': 'Customers from Haravan',
  'nav.segments': 'Customer groups',
  'nav.campaigns': 'Campaigns',
  'nav.settings': 'Settings',
  'nav.settingsLoyalty': 'Loyalty',
  'nav.settingsMessages': 'Messages',
  'nav.settingsImport': 'Opening balance import',
  'nav.settingsActivity': 'Activity log',

  'topbar.shopLoading': 'Loading shop…',
  'topbar.shopLabel': 'Shop',

  'auth.expiredTitle': 'Your session has expired',
  'auth.expiredBody': 'Your session has expired. Please open the app again from the Haravan admin.',
  'auth.missingTitle': 'Open Tích Điểm from the Haravan admin',
  'auth.missingBody': 'No session was found. The app only works when opened from the Apps section of your shop\'s Haravan admin.',
  'auth.installLink': 'Sign in with Haravan to install or open the app',

  'common.retry': 'Try again',

  'page.unavailable': 'This feature is not available in this version yet.',
  'page.members.description': 'Customers who have activated membership, with their reward points, tier and purchase history.',
  'page.customers.description': 'Every customer synced from Haravan Omnichannel, registered members or not, with manual membership activation.',
  'page.segments.description': 'Customers who share conditions (for example born in October, spent 5 million ₫ or more), grouped as campaign audiences.',
  'page.campaigns.description': 'Announcements, promo codes, birthday wishes, thank-you notes after purchase and repurchase reminders by email and SMS.',
  'page.settingsLoyalty.description': 'Point earning (amount per point, pending period, point expiry) and member tier settings.',
  'page.settingsMessages.description': 'Email over SMTP (for example Gmail) and SMS through VietGuys for campaigns.',
  'page.settingsImport.description': 'Bring customers\' points and revenue over from your old system with the CSV template (HoTen, DienThoai, Email, DTDauKy, DTTichLuy).',
  'page.settingsActivity.description': 'A history of actions in the app: settings changes, point adjustments and data imports.',

  'notFound.title': 'Page not found',
  'notFound.body': 'This address does not exist in Tích Điểm.',
  'notFound.back': 'Back to Overview',
  ...customersEn,
  ...importsEn,
  ...loyaltyEn,
  ...numbersEn,
  ...rewardsEn,
  ...commonEn,
  ...campaignsEn,
  ...messagingEn,
  ...overviewEn,
}

const dictionaries: Record<Language, Record<MessageKey, string>> = { vi, en }
const LANGUAGE_STORAGE_KEY = 'tichdiem.language'
const listeners = new Set<(language: Language) => void>()

function readStoredLanguage (): Language {
  return localStore.get(LANGUAGE_STORAGE_KEY) === 'en' ? 'en' : 'vi'
}

let currentLanguage: Language = readStoredLanguage()

export function getLanguage (): Language {
  return currentLanguage
}

export function setLanguage (language: Language): void {
  if (language === currentLanguage) return
  currentLanguage = language
  localStore.set(LANGUAGE_STORAGE_KEY, language)
  document.documentElement.lang = language
  for (const listener of listeners) listener(language)
}

/** The text for `key` in the current language; `{name}` placeholders are filled from `params`. */
export function t (key: MessageKey, params?: Record<string, string | number>): string {
  const text = dictionaries[currentLanguage][key]
  if (!params) return text
  return text.replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    name in params ? String(params[name]) : placeholder)
}

/** Re-renders the calling component (the app root) whenever the language changes. */
export function useLanguage (): Language {
  const [language, setLanguageState] = useState(currentLanguage)
  useEffect(() => {
    document.documentElement.lang = currentLanguage
    listeners.add(setLanguageState)
    return () => { listeners.delete(setLanguageState) }
  }, [])
  return language
}
