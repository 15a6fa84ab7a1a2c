// One table of the admin's pages, shared by the sidebar and the router so they cannot drift apart.
import type { MessageKey } from './i18n.ts'

export interface PageRoute {
  path: string
  navKey: MessageKey
  /** What the page will do, shown while the page has no server support yet. */
  descriptionKey?: MessageKey
}

export const overviewRoute: PageRoute = { path: '/', navKey: 'nav.overview' }

export const mainRoutes: PageRoute[] = [
  overviewRoute,
  { path: '/members', navKey: 'nav.members' },
  { path: '/customers', navKey: 'nav.customers' },
  { path: '/segments', navKey: 'nav.segments' },
  { path: '/campaigns', navKey: 'nav.campaigns' },
]

export const settingsRoutes: PageRoute[] = [
  { path: '/settings/loyalty', navKey: 'nav.settingsLoyalty' },
  { path: '/settings/rewards', navKey: 'nav.settingsRewards' },
  { path: '/settings/messages', navKey: 'nav.settingsMessages' },
  { path: '/settings/import', navKey: 'nav.settingsImport' },
  { path: '/settings/activity', navKey: 'nav.settingsActivity' },
]

/** Pages whose server side is not built yet: they show an honest empty state. */
export const unavailableRoutes = [...mainRoutes, ...settingsRoutes].filter(
  (route): route is PageRoute & { descriptionKey: MessageKey } => route.descriptionKey !== undefined
)
