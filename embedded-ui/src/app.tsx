// The admin root: session gate, then the shop, the frame and the routed page.
import { LocationProvider, Route, Router, lazy } from 'preact-iso'
import { useLanguage } from './i18n.ts'
import { useSession } from './session.ts'
import { ShopProvider } from './shop.tsx'
import { unavailableRoutes } from './routes.ts'
import { Layout } from './components/layout.tsx'
import { SessionScreen } from './components/session-screen.tsx'
import { UnavailablePage } from './pages/unavailable-page.tsx'
import { NotFoundPage } from './pages/not-found.tsx'

// Every routed page loads on first visit, so a page's JS is the shell (main) plus its own chunks and stays
// under the ~200 KB page budget (test/server/spa.test.ts); the shell (layout, i18n, api, shop) stays in main.
const OverviewPage = lazy(() => import('./pages/overview.tsx').then(m => m.OverviewPage))
const SettingsImportPage = lazy(() => import('./pages/settings-import.tsx').then(m => m.SettingsImportPage))
const MembersPage = lazy(() => import('./pages/members.tsx').then(m => m.MembersPage))
const CustomersPage = lazy(() => import('./pages/customers.tsx').then(m => m.CustomersPage))
const SegmentsPage = lazy(() => import('./pages/segments.tsx').then(m => m.SegmentsPage))
const ActivityPage = lazy(() => import('./pages/activity.tsx').then(m => m.ActivityPage))
const SettingsLoyaltyPage = lazy(() => import('./pages/settings-loyalty.tsx').then(m => m.SettingsLoyaltyPage))
const SettingsRewardsPage = lazy(() => import('./pages/settings-rewards.tsx').then(m => m.SettingsRewardsPage))
const MemberProfilePage = lazy(() => import('./pages/member-profile.tsx').then(m => m.MemberProfilePage))
const SettingsMessagingPage = lazy(() => import('./pages/settings-messaging.tsx').then(m => m.SettingsMessagingPage))
const CampaignsPage = lazy(() => import('./pages/campaigns.tsx').then(m => m.CampaignsPage))
const CampaignNewPage = lazy(() => import('./pages/campaign-new.tsx').then(m => m.CampaignNewPage))
const CampaignDetailPage = lazy(() => import('./pages/campaign-detail.tsx').then(m => m.CampaignDetailPage))

export function App () {
  // Subscribing here re-renders the whole tree in the new language; t() reads the module state.
  const language = useLanguage()
  const session = useSession()
  if (session.status !== 'active') return <SessionScreen status={session.status} />

  return (
    // A new token may belong to another shop: start over rather than show the old shop's data.
    <LocationProvider key={session.generation}>
      <ShopProvider>
        <Layout>
          {/* Router memoises the routed page by URL, so a re-render alone would leave it in the old
              language; keying by language remounts it (only unsaved input on that page is lost). */}
          <Router key={language}>
            <Route path='/' component={OverviewPage} />
            <Route path='/settings/import' component={SettingsImportPage} />
            <Route path='/members' component={MembersPage} />
            <Route path='/customers' component={CustomersPage} />
            <Route path='/segments' component={SegmentsPage} />
            <Route path='/settings/activity' component={ActivityPage} />
            <Route path='/settings/loyalty' component={SettingsLoyaltyPage} />
            <Route path='/settings/rewards' component={SettingsRewardsPage} />
            <Route path='/settings/messages' component={SettingsMessagingPage} />
            <Route path='/members/:customerId' component={MemberProfilePage} />
            <Route path='/campaigns' component={CampaignsPage} />
            <Route path='/campaigns/new' component={CampaignNewPage} />
            <Route path='/campaigns/:id' component={CampaignDetailPage} />
            {unavailableRoutes.map((route) => (
              <Route
                key={route.path}
                path={route.path}
                component={UnavailablePage}
                titleKey={route.navKey}
                descriptionKey={route.descriptionKey}
              />
            ))}
            <Route default component={NotFoundPage} />
          </Router>
        </Layout>
      </ShopProvider>
    </LocationProvider>
  )
}
