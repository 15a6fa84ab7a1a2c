// Left navigation: the main pages, then the Cấu hình (Settings) group.
import { useLocation } from 'preact-iso'
import { t } from '../i18n.ts'
import { mainRoutes, settingsRoutes } from '../routes.ts'
import type { PageRoute } from '../routes.ts'

function NavLink ({ route, currentPath }: { route: PageRoute, currentPath: string }) {
  const isCurrent = route.path === currentPath
  return (
    <li>
      <a
        href={route.path}
        class={isCurrent ? 'nav__link nav__link--current' : 'nav__link'}
        aria-current={isCurrent ? 'page' : undefined}
      >
        {t(route.navKey)}
      </a>
    </li>
  )
}

export function Sidebar () {
  // preact-iso's LocationProvider turns clicks on these plain links into client-side navigation.
  const { path } = useLocation()
  return (
    <aside class='sidebar'>
      <div class='sidebar__inner'>
        <div class='sidebar__brand'>
          <span class='sidebar__logo' aria-hidden='true'>TĐ</span>
          <div>
            <div class='sidebar__name'>{t('app.name')}</div>
            <div class='sidebar__tagline'>{t('app.tagline')}</div>
          </div>
        </div>
        <nav class='nav' aria-label={t('nav.label')} data-testid='nav'>
          <ul class='nav__list'>
            {mainRoutes.map((route) => <NavLink key={route.path} route={route} currentPath={path} />)}
          </ul>
          <div class='nav__group-label' id='nav-settings-label'>{t('nav.settings')}</div>
          <ul class='nav__list' aria-labelledby='nav-settings-label'>
            {settingsRoutes.map((route) => <NavLink key={route.path} route={route} currentPath={path} />)}
          </ul>
        </nav>
      </div>
    </aside>
  )
}
