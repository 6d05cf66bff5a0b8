// The shell: header with the pages and the API's state, a banner when something is down, then the page.
import { useEffect, useState } from 'react'
import { api } from './api/client.ts'
import { StatusBanner, StatusPill } from './components/StatusBanner.tsx'
import { AnalysisPage } from './pages/AnalysisPage.tsx'
import { LivePage } from './pages/LivePage.tsx'
import { ModelsPage } from './pages/ModelsPage.tsx'
import { PredictPage } from './pages/PredictPage.tsx'
import { StatusPage } from './pages/StatusPage.tsx'
import { useApiStatus } from './status.ts'
import { useLoad } from './useLoad.ts'

const PAGES = [
  { path: 'predict', title: 'Predict' },
  { path: 'models', title: 'Models' },
  { path: 'analysis', title: 'Traffic analysis' },
  { path: 'live', title: 'Live' },
  { path: 'status', title: 'Status' },
] as const

type PagePath = (typeof PAGES)[number]['path']

function currentPage(): PagePath {
  const path = window.location.hash.replace(/^#\/?/, '')
  return PAGES.find((page) => page.path === path)?.path ?? 'predict'
}

export function App() {
  const [page, setPage] = useState(currentPage)
  const [status, recheck] = useApiStatus()
  const config = useLoad(api.config, true)
  const apiUp = status.state === 'up'
  const analytics = useLoad(api.analytics, apiUp)
  const apiUrl = config.data?.apiUrl

  useEffect(() => {
    const onHash = () => setPage(currentPage())
    window.addEventListener('hashchange', onHash)
    return () => window.removeEventListener('hashchange', onHash)
  }, [])

  useEffect(() => {
    document.title = `${PAGES.find((p) => p.path === page)?.title} · Urban traffic`
  }, [page])

  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <div className="brand">
          Urban traffic <span>Kafka → Spark → predictions</span>
        </div>
        <nav aria-label="Pages">
          {PAGES.map((p) => (
            <a key={p.path} href={`#/${p.path}`} aria-current={p.path === page ? 'page' : undefined}>
              {p.title}
            </a>
          ))}
        </nav>
        <StatusPill status={status} />
      </header>
      <StatusBanner status={status} />
      <main id="main" tabIndex={-1}>
        {page === 'predict' && <PredictPage status={status} analytics={analytics} onUnreachable={recheck} />}
        {page === 'models' && <ModelsPage status={status} />}
        {page === 'analysis' && <AnalysisPage status={status} analytics={analytics} />}
        {page === 'live' && <LivePage />}
        {page === 'status' && <StatusPage status={status} apiUrl={apiUrl} onRecheck={recheck} />}
      </main>
    </>
  )
}
