import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';

import { api, storedKey, storeKey, whenUnauthorized } from './api';
import { useRoute } from './hooks';
import { DeadLettersPage } from './pages/dead-letters';
import { JobPage } from './pages/job';
import { JobList } from './pages/jobs';
import { OrdersPage } from './pages/orders';
import { Overview } from './pages/overview';

const NAV = [
  { href: '#/overview', label: 'Overview', section: 'overview' },
  { href: '#/jobs', label: 'Jobs', section: 'jobs' },
  { href: '#/orders', label: 'Orders', section: 'orders' },
  { href: '#/dead-letters', label: 'Dead letters', section: 'dead-letters' },
];

function SignIn({ onSignedIn, reason }: { onSignedIn: () => void; reason: string | null }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(reason);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await api('GET', '/v1/stats/jobs', undefined, key);
      storeKey(key);
      onSignedIn();
    } catch (err) {
      setError(err instanceof Error ? `Sign-in failed (${err.message})` : 'Sign-in failed');
    }
  };
  return (
    <main class="signin">
      <h1>Delayed actions</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <label for="api-key">Admin API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="current-password"
          required
          value={key}
          onInput={(e) => setKey((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="primary">
          Sign in
        </button>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <p class="hint">The key (x-api-key of the admin API) is kept in this tab only.</p>
      </form>
    </main>
  );
}

function App() {
  const [signedIn, setSignedIn] = useState(storedKey() !== null);
  const [reason, setReason] = useState<string | null>(null);
  const { parts, query } = useRoute();
  useEffect(() => {
    whenUnauthorized(() => {
      storeKey(null);
      setReason('The key was refused: sign in again.');
      setSignedIn(false);
    });
  }, []);
  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} reason={reason} />;
  const section = parts[0] ?? 'overview';
  let page;
  if (section === 'jobs' && parts[1]) page = <JobPage id={parts[1]} />;
  else if (section === 'jobs') page = <JobList query={query} />;
  else if (section === 'orders') page = <OrdersPage orderId={parts[1] ?? null} />;
  else if (section === 'dead-letters') page = <DeadLettersPage topic={parts[1] ?? null} />;
  else page = <Overview />;
  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header>
        <span class="brand">Delayed actions</span>
        <nav aria-label="Dashboard">
          <ul>
            {NAV.map((n) => (
              <li>
                <a href={n.href} aria-current={n.section === section ? 'page' : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button
          type="button"
          onClick={() => {
            storeKey(null);
            setReason(null);
            setSignedIn(false);
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </>
  );
}

const root = document.getElementById('app') as HTMLElement;
root.textContent = ''; // the "Loading" placeholder of index.html
render(<App />, root);
