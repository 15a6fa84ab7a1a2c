// The admin root: session gate, then the shop, the frame and the routed page.
import { LocationProvider, Route, Router } from 'preact-iso'
import { useLanguage } from './i18n.ts'
import { useSession } from './session.ts'
import { ShopProvider } from './shop.tsx'
import { unavailableRoutes } from './routes.ts'
import { Layout } from './components/layout.tsx'
import { SessionScreen } from './components/session-screen.tsx'
import { OverviewPage } from './pages/overview.tsx'
import { UnavailablePage } from './pages/unavailable-page.tsx'
import { NotFoundPage } from './pages/not-found.tsx'

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
