import { A, Route, Router, useNavigate, type RouteSectionProps } from "@solidjs/router";
import { ErrorBoundary, lazy, Suspense } from "solid-js";
import { ErrorView } from "./components/error-view.tsx";
import { getGenres, getPerson, getTitle, getTitles } from "./data/api.ts";

const Home = lazy(() => import("./pages/home.tsx"));
const Browse = lazy(() => import("./pages/browse.tsx"));
const Search = lazy(() => import("./pages/search.tsx"));
const Title = lazy(() => import("./pages/title.tsx"));
const PersonPage = lazy(() => import("./pages/person.tsx"));
const Watch = lazy(() => import("./pages/watch.tsx"));
const NotFound = lazy(() => import("./pages/not-found.tsx"));

function Layout(props: RouteSectionProps) {
  const navigate = useNavigate();
  return (
    <>
      <a class="skip-link" href="#main">Skip to content</a>
      <header class="top-bar">
        <A href="/" class="brand" aria-label="Marquee home">MARQUEE</A>
        <nav aria-label="Main">
          <A href="/" end>Home</A>
          <A href="/browse">Browse</A>
          <A href="/search" class="nav-search" aria-label="Search">
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"><path fill="currentColor" d="M10 2a8 8 0 0 1 6.3 12.9l5.4 5.4-1.4 1.4-5.4-5.4A8 8 0 1 1 10 2zm0 2a6 6 0 1 0 0 12 6 6 0 0 0 0-12z" /></svg>
            <span>Search</span>
          </A>
        </nav>
      </header>
      <main id="main" tabindex="-1"
        onKeyDown={(e) => {
          if (e.key === "/" && !(e.target instanceof HTMLInputElement)) {
            e.preventDefault();
            navigate("/search");
          }
        }}>
        <ErrorBoundary fallback={(err, reset) => <ErrorView error={err} reset={reset} />}>
          <Suspense>{props.children}</Suspense>
        </ErrorBoundary>
      </main>
    </>
  );
}

export function App() {
  return (
    <Router root={Layout}>
      <Route path="/" component={Home} preload={() => void getTitles({ sort: "popular", limit: 12 })} />
      <Route path="/browse" component={Browse} preload={() => void getGenres()} />
      <Route path="/search" component={Search} />
      <Route path="/title/:id" component={Title} preload={({ params }) => void getTitle(params.id!)} />
      <Route path="/person/:id" component={PersonPage} preload={({ params }) => void getPerson(params.id!)} />
      <Route path="/watch/:id" component={Watch} />
      <Route path="*404" component={NotFound} />
    </Router>
  );
}
