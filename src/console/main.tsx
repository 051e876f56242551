import './workers.js';
import 'graphiql/style.css';
import './console.css';
import { GraphiQL } from 'graphiql';
import {
  type ComponentProps,
  type FormEvent,
  StrictMode,
  useCallback,
  useMemo,
  useState,
} from 'react';
import { createRoot } from 'react-dom/client';
import { authHeaders, type Credential, type GraphQLResponse, type Me, post } from './api.js';
import { readyTabs } from './operations.js';
import { Agenda } from './views/agenda.js';
import { Blackouts } from './views/blackouts.js';
import { ConsoleContext } from './views/context.js';
import { Export } from './views/export.js';
import { Hours } from './views/hours.js';
import { Reminders } from './views/reminders.js';
import { Services } from './views/services.js';
import { Team } from './views/team.js';
import { Webhooks } from './views/webhooks.js';

// Sign-in, then GraphiQL with the credential (kept in sessionStorage) on every request.

const STORAGE_KEY = 'booking-console:credential';

/** An invitation or reset link (`?tenant=<slug>#invitation=<token>`), read once and then cleared. */
interface Link {
  kind: 'invitation' | 'reset';
  tenant: string;
  token: string;
}

function takeLink(): Link | null {
  const match = /^#(invitation|reset)=(.+)$/.exec(window.location.hash);
  const tenant = new URLSearchParams(window.location.search).get('tenant');
  if (!match?.[1] || !match[2] || !tenant) return null;
  // The token leaves the address bar (and the history) at once.
  window.history.replaceState(null, '', window.location.pathname);
  return {
    kind: match[1] as Link['kind'],
    tenant,
    token: decodeURIComponent(match[2]),
  };
}
function loadCredential(): Credential | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Credential) : null;
  } catch {
    return null;
  }
}

/** What GraphiQL takes to run an operation. */
type Fetcher = ComponentProps<typeof GraphiQL>['fetcher'];

const ME = '{ me { kind role email name tenant { name slug timeZone } resources { id name } } }';

/** Keeps a credential that works, with who it is; else the reason it does not. */
async function signedIn(
  credential: Credential,
): Promise<{ credential: Credential; me: Me } | string> {
  const me = await post<{ me: Me | null }>({ query: ME }, authHeaders(credential));
  if (!me.data?.me) return me.errors?.[0]?.message ?? 'This credential does not work here';
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credential));
  return { credential, me: me.data.me };
}

const ERRORS = 'userErrors { field message }';
type Signed = { session: { token: string } | null; userErrors: Array<{ message: string }> };

/** The session token of a login-like answer (login, acceptInvitation, resetPassword), or why not. */
function sessionOf(res: GraphQLResponse<Record<string, Signed>>, fallback: string): string | Error {
  const answer = res.data ? Object.values(res.data)[0] : null;
  const token = answer?.session?.token;
  if (token) return token;
  return new Error(answer?.userErrors[0]?.message ?? res.errors?.[0]?.message ?? fallback);
}

/** A sign-in form's submit: busy while it runs, its error shown, the credential kept. */
function useSignInForm(onSignedIn: (c: Credential, me: Me) => void) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (credentialOf: () => Promise<Credential | Error>) => async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const credential = await credentialOf();
      if (credential instanceof Error) return setError(credential.message);
      const done = await signedIn(credential);
      if (typeof done === 'string') setError(done);
      else onSignedIn(done.credential, done.me);
    } catch {
      setError('The server could not be reached');
    } finally {
      setBusy(false);
    }
  };
  return { error, setError, busy, submit };
}

/** The page a link opens: a new user's name and password, or a new password. */
function FollowLink({
  link,
  onSignedIn,
}: {
  link: Link;
  onSignedIn: (c: Credential, me: Me) => void;
}) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const { error, busy, submit } = useSignInForm(onSignedIn);
  const invitation = link.kind === 'invitation';

  const follow = submit(async () => {
    const res = invitation
      ? await post<{ acceptInvitation: Signed }>(
          {
            query: `mutation AcceptInvitation($token: String!, $name: String!, $password: String!) { acceptInvitation(token: $token, name: $name, password: $password) { session { token } ${ERRORS} } }`,
            variables: { token: link.token, name, password },
          },
          { 'x-tenant': link.tenant },
        )
      : await post<{ resetPassword: Signed }>(
          {
            query: `mutation ResetPassword($token: String!, $password: String!) { resetPassword(token: $token, newPassword: $password) { session { token } ${ERRORS} } }`,
            variables: { token: link.token, password },
          },
          { 'x-tenant': link.tenant },
        );
    const token = sessionOf(res, 'That did not work');
    return token instanceof Error ? token : { tenant: link.tenant, token, kind: 'session' };
  });

  return (
    <main className="signin">
      <form
        onSubmit={follow}
        aria-label={invitation ? 'Accept the invitation' : 'Choose a new password'}
      >
        <h1>{invitation ? 'Join the team' : 'Choose a new password'}</h1>
        {invitation ? (
          <label>
            Your name
            <input
              name="name"
              autoComplete="name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              required
            />
          </label>
        ) : null}
        <label>
          {invitation
            ? 'Password (at least 12 characters)'
            : 'New password (at least 12 characters)'}
          <input
            name="password"
            type="password"
            autoComplete="new-password"
            minLength={12}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {invitation ? 'Join and sign in' : 'Save and sign in'}
        </button>
      </form>
    </main>
  );
}

function SignIn({ onSignedIn }: { onSignedIn: (c: Credential, me: Me) => void }) {
  const [mode, setMode] = useState<'password' | 'apiKey'>('password');
  const [form, setForm] = useState({ tenant: '', email: '', password: '', apiKey: '' });
  const { tenant, email, password, apiKey } = form;
  const { error, setError, busy, submit } = useSignInForm(onSignedIn);
  const [notice, setNotice] = useState<string | null>(null);

  async function forgot() {
    setError(null);
    if (!tenant.trim() || !email.trim()) {
      setError('Enter the business and your email first');
      return;
    }
    await post(
      {
        query:
          'mutation RequestReset($email: EmailAddress!) { requestPasswordReset(email: $email) }',
        variables: { email: email.trim() },
      },
      { 'x-tenant': tenant.trim().toLowerCase() },
    ).catch(() => {});
    setNotice(
      'If that email belongs to an account here, a link to choose a new password is on its way.',
    );
  }

  const signIn = submit(async () => {
    const slug = tenant.trim().toLowerCase();
    if (mode === 'apiKey') return { tenant: slug, token: apiKey.trim(), kind: 'apiKey' };
    const res = await post<{ login: Signed }>(
      {
        query: `mutation Login($email: EmailAddress!, $password: String!) { login(email: $email, password: $password) { session { token } ${ERRORS} } }`,
        variables: { email: email.trim(), password },
      },
      { 'x-tenant': slug },
    );
    const token = sessionOf(res, 'Sign-in failed');
    return token instanceof Error ? token : { tenant: slug, token, kind: 'session' };
  });

  const field = (name: keyof typeof form, label: string, type: string, autoComplete: string) => (
    <label>
      {label}
      <input
        {...{ name, type, autoComplete }}
        value={form[name]}
        onChange={(e) => setForm({ ...form, [name]: e.target.value })}
        required
      />
    </label>
  );

  return (
    <main className="signin">
      <form onSubmit={signIn} aria-label="Sign in">
        <h1>Booking console</h1>
        <div className="modes" role="tablist">
          {(['password', 'apiKey'] as const).map((m) => (
            <button
              key={m}
              type="button"
              role="tab"
              aria-selected={mode === m}
              onClick={() => setMode(m)}
            >
              {m === 'password' ? 'Email and password' : 'API key'}
            </button>
          ))}
        </div>
        {field('tenant', 'Business (tenant slug)', 'text', 'organization')}
        {mode === 'password' ? (
          <>
            {field('email', 'Email', 'email', 'username')}
            {field('password', 'Password', 'password', 'current-password')}
          </>
        ) : (
          field('apiKey', 'API key', 'password', 'off')
        )}
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        {notice ? <p role="status">{notice}</p> : null}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {mode === 'password' ? (
          <button type="button" className="link" onClick={() => void forgot()}>
            Forgot your password?
          </button>
        ) : null}
      </form>
    </main>
  );
}

/** A view's icon in GraphiQL's sidebar: a letter, named for screen readers by the button. */
const letter = (text: string) => () => <span className="view-icon">{text}</span>;

/** The views, as GraphiQL plugins over the same API; the raw editor is beside them. */
const AGENDA = { title: 'Agenda', icon: letter('A'), content: Agenda };
const BLACKOUTS = { title: 'Blackouts', icon: letter('B'), content: Blackouts };
const EXPORT = { title: 'Export', icon: letter('E'), content: Export };
const HOURS = { title: 'Opening hours', icon: letter('H'), content: Hours };
const SERVICES = { title: 'Services', icon: letter('S'), content: Services };
const TEAM = { title: 'Team', icon: letter('T'), content: Team };
const REMINDERS = { title: 'Reminders', icon: letter('R'), content: Reminders };
const WEBHOOKS = { title: 'Webhooks', icon: letter('W'), content: Webhooks };
/** STAFF get the views of their own work; the business's settings are an admin's. */
const viewsFor = (role: string | null) =>
  role === 'ADMIN'
    ? [AGENDA, BLACKOUTS, HOURS, SERVICES, TEAM, REMINDERS, WEBHOOKS, EXPORT]
    : [AGENDA, BLACKOUTS, HOURS, EXPORT];

/** The views take most of the width at first; the drag bar gives it back to the editor. */
if (!sessionStorage.getItem('graphiql:docExplorerFlex')) {
  sessionStorage.setItem('graphiql:docExplorerFlex', '3');
}

function Console({
  credential,
  me,
  onSignOut,
}: {
  credential: Credential;
  me: Me;
  onSignOut: () => void;
}) {
  const fetcher = useCallback<Fetcher>(
    // The answer as it came; GraphiQL types it as graphql-ws's ExecutionResult.
    (params) => post(params, authHeaders(credential)) as unknown as ReturnType<Fetcher>,
    [credential],
  );
  const tabs = useMemo(() => {
    const ready = readyTabs(new Date(), me.role);
    // GraphiQL seeds the variables editor from storage only: fill it on this tab's first visit.
    if (!sessionStorage.getItem('graphiql:tabState')) {
      sessionStorage.setItem('graphiql:variables', ready[0]?.variables ?? '');
    }
    return ready;
  }, [me.role]);
  const state = useMemo(() => ({ credential, me }), [credential, me]);
  const views = useMemo(() => viewsFor(me.role), [me.role]);
  const who = me.email ?? me.name ?? me.kind;
  return (
    <div className="console">
      <header>
        <strong>{me.tenant?.name ?? credential.tenant}</strong>
        <span className="who" data-testid="who">
          {who} · {me.role ?? me.kind} · {me.tenant?.timeZone}
        </span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <div className="ide">
        <ConsoleContext.Provider value={state}>
          <GraphiQL
            fetcher={fetcher}
            defaultTabs={tabs}
            storage={sessionStorage}
            defaultEditorToolsVisibility="variables"
            plugins={views}
            visiblePlugin={AGENDA}
          />
        </ConsoleContext.Provider>
      </div>
    </div>
  );
}

function App() {
  const [link, setLink] = useState<Link | null>(takeLink);
  const [credential, setCredential] = useState<Credential | null>(loadCredential);
  const [me, setMe] = useState<Me | null>(null);
  const [checked, setChecked] = useState(false);

  // A credential kept from earlier in this tab is checked once before the console shows.
  if (credential && !me && !checked) {
    setChecked(true);
    void post<{ me: Me | null }>({ query: ME }, authHeaders(credential)).then((res) => {
      if (res.data?.me) setMe(res.data.me);
      else {
        sessionStorage.removeItem(STORAGE_KEY);
        setCredential(null);
      }
    });
  }

  async function signOut() {
    if (credential?.kind === 'session') {
      await post({ query: 'mutation Logout { logout }' }, authHeaders(credential)).catch(() => {});
    }
    sessionStorage.clear();
    setCredential(null);
    setMe(null);
    setChecked(false);
  }

  if (link)
    return (
      <FollowLink
        link={link}
        onSignedIn={(c, m) => {
          setLink(null);
          setCredential(c);
          setMe(m);
        }}
      />
    );
  if (credential && me)
    return <Console credential={credential} me={me} onSignOut={() => void signOut()} />;
  if (credential && !me) return <main className="signin">Checking your sign-in…</main>;
  return (
    <SignIn
      onSignedIn={(c, m) => {
        setCredential(c);
        setMe(m);
      }}
    />
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
