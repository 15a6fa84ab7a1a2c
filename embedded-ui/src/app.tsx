// The admin root: session gate, then the shop, the frame and the routed page.
import { LocationProvider, Route, Router, lazy } from 'preact-iso'
import { useLanguage } from './i18n.ts'
import { useSession } from './session.ts'
import { ShopProvider } from './shop.tsx'
import { unavailableRoutes } from './routes.ts'
import { Layout } from './components/layout.tsx'
import { SessionScreen } from './components/session-screen.tsx'
import { OverviewPage } from './pages/overview.tsx'
import { UnavailablePage } from './pages/unavailable-page.tsx'
import { NotFoundPage } from './pages/not-found.tsx'
import { SettingsImportPage } from './pages/settings-import.tsx'
import { MembersPage } from './pages/members.tsx'
import { CustomersPage } from './pages/customers.tsx'
import { SegmentsPage } from './pages/segments.tsx'
import { ActivityPage } from './pages/activity.tsx'
import { SettingsLoyaltyPage } from './pages/settings-loyalty.tsx'
import { SettingsRewardsPage } from './pages/settings-rewards.tsx'
import { MemberProfilePage } from './pages/member-profile.tsx'
import { SettingsMessagingPage } from './pages/settings-messaging.tsx'

// Chiến dịch loads on first visit: the wizard and campaign page would push the main bundle past 200 KB.
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
