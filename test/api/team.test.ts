import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/shared/paths.js';
import { login, startTestApp, type TestApp } from '../helpers/app.js';
import { sql } from '../helpers/database.js';
import { type Scenario, scenario, weekdays } from '../helpers/scenario.js';
import { TestSmtpServer, waitFor } from '../helpers/smtp.js';

// Issue 17: new users come by invitation, lost passwords come back by a reset link; both
// links are one-time tokens stored as hashes, mailed through the notification queue.

/** Wednesday 2027-03-03 08:00 UTC; tests move it forward. */
const START = Date.parse('2027-03-03T08:00:00Z');
let now = START;

let smtp: TestSmtpServer;
let t: TestApp;
let s: Scenario;

const ERRORS = 'userErrors { code field message }';
const INVITE = `mutation ($input: InviteUserInput!) {
  inviteUser(input: $input) { invitation { id email role expiresAt resources { id } } ${ERRORS} }
}`;
const ACCEPT = `mutation ($token: String!, $name: String!, $password: String!) {
  acceptInvitation(token: $token, name: $name, password: $password) { session { token } ${ERRORS} }
}`;
const REQUEST = 'mutation ($email: EmailAddress!) { requestPasswordReset(email: $email) }';
const RESET = `mutation ($token: String!, $password: String!) {
  resetPassword(token: $token, newPassword: $password) { session { token } ${ERRORS} }
}`;

interface Session {
  session: { token: string } | null;
  userErrors: Array<{ code: string; field: string[] | null; message: string }>;
}

const as = (token?: string) => ({ tenant: s.tenant.slug, ...(token ? { token } : {}) });

/** The one mail to `address` whose subject matches, once it has arrived: its text and link token. */
async function linkMailTo(address: string, subject: RegExp, count = 1) {
  const mails = await waitFor(`mail "${subject}" to ${address}`, async () => {
    const found = smtp.to(address).filter((m) => subject.test(m.parsed.subject ?? ''));
    return found.length >= count ? found : null;
  });
  const mail = mails[count - 1];
  const text = mail?.parsed.text ?? '';
  const link = /(http\S+#(invitation|reset)=(\S+))/.exec(text);
  if (!link?.[3]) throw new Error(`no link in: ${text}`);
  return {
    mail,
    text,
    html: String(mail?.parsed.html),
    url: link[1] ?? '',
    token: decodeURIComponent(link[3]),
  };
}

async function invite(email: string, role: string, resourceIds: string[]) {
  const res = await t.gql<{ inviteUser: { invitation: { id: string } | null } & Session }>(
    INVITE,
    { input: { email, role, resourceIds } },
    as(s.tenant.token),
  );
  expect(res.data?.inviteUser.userErrors).toEqual([]);
  return res.data?.inviteUser.invitation?.id as string;
}

beforeAll(async () => {
  smtp = await TestSmtpServer.start();
  t = await startTestApp({ ...smtp.env() }, { clock: () => now });
  s = await scenario(t, 'team', { windows: weekdays('09:00', '17:00') });
});

afterAll(async () => {
  await t?.close();
  await smtp?.stop();
});

describe('invitations', () => {
  it('let an admin invite a stylist who signs in with their own password', async () => {
    await invite('Stylist@Team.example', 'STAFF', [s.resourceId]);
    const { text, html, url, token } = await linkMailTo('stylist@team.example', /invited/);
    expect(url.startsWith('http://localhost:3000/console/?tenant=team#invitation=bki_')).toBe(true);
    // HTML and text carry the same link, and nothing that could be a password.
    const href = /href="([^"]+)"/.exec(html)?.[1] ?? '';
    const decoded = href.replace(/&(amp|#x3D);/g, (_, e: string) => (e === 'amp' ? '&' : '='));
    expect(decoded).toBe(url);
    expect(text).not.toMatch(/password:/i);
    // Only the token's hash is stored.
    const stored = await sql(t.database, 'select token_hash from invitation where email = $1', [
      'stylist@team.example',
    ]);
    expect(stored).toEqual([{ token_hash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(JSON.stringify(stored)).not.toContain(token);

    const accepted = await t.gql<{ acceptInvitation: Session }>(
      ACCEPT,
      { token, name: 'Sam Stylist', password: 'a-long-stylist-password' },
      as(),
    );
    expect(accepted.data?.acceptInvitation.userErrors).toEqual([]);
    const session = accepted.data?.acceptInvitation.session?.token as string;
    const me = await t.gql<{ me: { role: string; email: string; resources: { id: string }[] } }>(
      '{ me { role email resources { id } } }',
      {},
      as(session),
    );
    expect(me.data?.me).toEqual({
      role: 'STAFF',
      email: 'stylist@team.example',
      resources: [{ id: s.resourceId }],
    });
    // The password works for a plain sign-in too; the link does not work twice.
    await login(t, 'team', 'stylist@team.example', 'a-long-stylist-password');
    const again = await t.gql<{ acceptInvitation: Session }>(
      ACCEPT,
      { token, name: 'Mallory', password: 'another-long-password' },
      as(),
    );
    expect(again.data?.acceptInvitation).toEqual({
      session: null,
      userErrors: [
        {
          code: 'INVALID_INPUT',
          field: ['token'],
          message: 'token is not a valid link: it may have been used already or have expired',
        },
      ],
    });
    const users = await t.gql<{ users: Array<{ email: string; name: string; role: string }> }>(
      '{ users { email name role resources { id } } }',
      {},
      as(s.tenant.token),
    );
    expect(users.data?.users).toContainEqual({
      email: 'stylist@team.example',
      name: 'Sam Stylist',
      role: 'STAFF',
      resources: [{ id: s.resourceId }],
    });
    const audit = await sql(
      t.database,
      `select action, actor_label from audit_event where tenant_id = $1 and action like 'invitation.%' order by created_at`,
      [s.tenant.id],
    );
    expect(audit).toEqual([
      { action: 'invitation.created', actor_label: s.tenant.adminEmail },
      { action: 'invitation.accepted', actor_label: 'stylist@team.example' },
    ]);
  });

  it('make one user of one link used twice at once', async () => {
    await invite('twice@team.example', 'ADMIN', []);
    const { token } = await linkMailTo('twice@team.example', /invited/);
    const results = await Promise.all(
      [1, 2].map((n) =>
        t.gql<{ acceptInvitation: Session }>(
          ACCEPT,
          { token, name: `Twice ${n}`, password: 'a-long-twice-password' },
          as(),
        ),
      ),
    );
    expect(results.map((r) => r.errors)).toEqual([undefined, undefined]);
    expect(results.filter((r) => r.data?.acceptInvitation.session)).toHaveLength(1);
    const rows = await sql(t.database, 'select id from app_user where email = $1', [
      'twice@team.example',
    ]);
    expect(rows).toHaveLength(1);
  });

  it('expire after 7 days, and a newer one replaces the open one', async () => {
    await invite('late@team.example', 'ADMIN', []);
    const first = await linkMailTo('late@team.example', /invited/);
    await invite('late@team.example', 'ADMIN', []);
    const second = await linkMailTo('late@team.example', /invited/, 2);
    const open = await t.gql<{ invitations: Array<{ email: string }> }>(
      '{ invitations { email } }',
      {},
      as(s.tenant.token),
    );
    expect(open.data?.invitations.filter((i) => i.email === 'late@team.example')).toHaveLength(1);
    const accept = (token: string) =>
      t.gql<{ acceptInvitation: Session }>(
        ACCEPT,
        { token, name: 'Late', password: 'a-long-late-password' },
        as(),
      );
    expect((await accept(first.token)).data?.acceptInvitation.userErrors[0]?.field).toEqual([
      'token',
    ]);
    now = START + 7 * 24 * 3_600_000 + 1;
    try {
      expect((await accept(second.token)).data?.acceptInvitation.userErrors[0]?.field).toEqual([
        'token',
      ]);
    } finally {
      now = START;
    }
    const rows = await sql(t.database, 'select id from app_user where email = $1', [
      'late@team.example',
    ]);
    expect(rows).toEqual([]);
  });

  it('refuse a STAFF invitation without resources, a user who exists, and bad input', async () => {
    const cases: Array<[Record<string, unknown>, string[], string]> = [
      [
        { email: 'x@team.example', role: 'STAFF', resourceIds: [] },
        ['input', 'resourceIds'],
        'at least one resource',
      ],
      [{ email: s.tenant.adminEmail, role: 'ADMIN' }, ['input', 'email'], 'already a user'],
      [{ email: 'y@team.example', role: 'PARTNER' }, ['input', 'role'], 'ADMIN or STAFF'],
      [
        {
          email: 'z@team.example',
          role: 'STAFF',
          resourceIds: ['00000000-0000-4000-8000-000000000000'],
        },
        ['input', 'resourceIds', '0'],
        'No resource',
      ],
    ];
    for (const [input, field, message] of cases) {
      const res = await t.gql<{ inviteUser: Session }>(INVITE, { input }, as(s.tenant.token));
      expect(res.data?.inviteUser.userErrors[0], JSON.stringify(input)).toMatchObject({
        field,
        message: expect.stringContaining(message),
      });
    }
    const [count] = await sql(
      t.database,
      'select count(*)::int as n from invitation where email like $1',
      ['_@team.example'],
    );
    expect(count).toEqual({ n: 0 });
  });
});

describe('password reset', () => {
  const EMAIL = 'reset-me@team.example';
  const PASSWORD = 'the-original-password';

  it('answers true for known and unknown emails alike, mailing only the known', async () => {
    await invite(EMAIL, 'ADMIN', []);
    const { token } = await linkMailTo(EMAIL, /invited/);
    await t.gql(ACCEPT, { token, name: 'Reset Me', password: PASSWORD }, as());
    const known = await t.gql(REQUEST, { email: EMAIL }, as());
    const unknown = await t.gql(REQUEST, { email: 'nobody@team.example' }, as());
    expect(known).toEqual(unknown);
    expect(known.data).toEqual({ requestPasswordReset: true });
    await linkMailTo(EMAIL, /Reset your password/);
    const [row] = await sql(
      t.database,
      "select count(*)::int as n from notification where kind = 'account.password_reset' and tenant_id = $1",
      [s.tenant.id],
    );
    expect(row).toEqual({ n: 1 });
    expect(smtp.to('nobody@team.example')).toEqual([]);
  });

  it('works once, ends every session on a second instance within a second, and signs in', async () => {
    const second = await startTestApp({}, { database: t.database, clock: () => now });
    try {
      const old = await login(t, 'team', EMAIL, PASSWORD);
      const probe = () => second.gql('{ me { email } }', {}, as(old));
      expect((await probe()).data).toEqual({ me: { email: EMAIL } });
      await t.gql(REQUEST, { email: EMAIL }, as());
      const { token } = await linkMailTo(EMAIL, /Reset your password/, 2);
      const res = await t.gql<{ resetPassword: Session }>(
        RESET,
        { token, password: 'a-brand-new-password' },
        as(),
      );
      expect(res.data?.resetPassword.userErrors).toEqual([]);
      const ended = Date.now();
      await waitFor('the second instance to refuse the old session', async () => {
        const r = await probe();
        return r.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED';
      });
      expect(Date.now() - ended).toBeLessThan(1000);
      const fresh = res.data?.resetPassword.session?.token as string;
      expect((await second.gql('{ me { email } }', {}, as(fresh))).data).toEqual({
        me: { email: EMAIL },
      });
      await login(t, 'team', EMAIL, 'a-brand-new-password');
      const again = await t.gql<{ resetPassword: Session }>(
        RESET,
        { token, password: 'yet-another-password' },
        as(),
      );
      expect(again.data?.resetPassword.session).toBeNull();
      expect(again.data?.resetPassword.userErrors[0]?.field).toEqual(['token']);
    } finally {
      await second.close();
    }
  });

  it('expires after one hour (pinned clock)', async () => {
    await t.gql(REQUEST, { email: EMAIL }, as());
    const { token } = await linkMailTo(EMAIL, /Reset your password/, 3);
    now = START + 60 * 60_000;
    try {
      const res = await t.gql<{ resetPassword: Session }>(
        RESET,
        { token, password: 'too-late-password' },
        as(),
      );
      expect(res.data?.resetPassword.userErrors[0]?.field).toEqual(['token']);
    } finally {
      now = START;
    }
    // One minute earlier it would still have worked.
    now = START + 59 * 60_000;
    try {
      const res = await t.gql<{ resetPassword: Session }>(
        RESET,
        { token, password: 'just-in-time-password' },
        as(),
      );
      expect(res.data?.resetPassword.userErrors).toEqual([]);
    } finally {
      now = START;
    }
  });

  it('refuses a short password, naming the field, and keeps the token', async () => {
    await t.gql(REQUEST, { email: EMAIL }, as());
    const { token } = await linkMailTo(EMAIL, /Reset your password/, 4);
    const res = await t.gql<{ resetPassword: Session }>(RESET, { token, password: 'short' }, as());
    expect(res.data?.resetPassword.userErrors).toEqual([
      {
        code: 'INVALID_INPUT',
        field: ['newPassword'],
        message: 'newPassword must be at least 12 characters',
      },
    ]);
    const ok = await t.gql<{ resetPassword: Session }>(
      RESET,
      { token, password: 'long-enough-password' },
      as(),
    );
    expect(ok.data?.resetPassword.userErrors).toEqual([]);
  });
});

describe('docs/API.md, "Your team"', () => {
  /** A graphql block of the doc: its document, and its variables from the comment lines. */
  async function example(name: string) {
    const doc = await readFile(path.join(PROJECT_ROOT, 'docs', 'API.md'), 'utf8');
    const block = new RegExp(`\`\`\`graphql\n(mutation ${name}[\\s\\S]*?)\`\`\``).exec(doc)?.[1];
    if (!block) throw new Error(`no example ${name} in docs/API.md`);
    const lines = block.split('\n');
    return {
      query: lines.filter((l) => !l.startsWith('#')).join('\n'),
      variables: lines
        .filter((l) => l.startsWith('#'))
        .map((l) => l.slice(1))
        .join(''),
    };
  }

  it('invites a stylist who accepts and signs in, as the walkthrough shows', async () => {
    const invite = await example('InviteStylist');
    const res = await t.gql<{ inviteUser: { invitation: { role: string } } & Session }>(
      invite.query,
      JSON.parse(invite.variables.replace('"…"', JSON.stringify(s.resourceId))),
      as(s.tenant.token),
    );
    expect(res.data?.inviteUser.userErrors).toEqual([]);
    expect(res.data?.inviteUser.invitation.role).toBe('STAFF');
    const { token } = await linkMailTo('sam@bella.example', /invited/);
    const accept = await example('AcceptInvitation');
    const accepted = await t.gql<{ acceptInvitation: Session }>(
      accept.query,
      JSON.parse(accept.variables.replace('"bki_…"', JSON.stringify(token))),
      as(),
    );
    expect(accepted.data?.acceptInvitation.userErrors).toEqual([]);
    const me = await t.gql<{ me: { role: string; resources: Array<{ id: string }> } }>(
      '{ me { role resources { id } } }',
      {},
      as(accepted.data?.acceptInvitation.session?.token),
    );
    expect(me.data?.me).toEqual({ role: 'STAFF', resources: [{ id: s.resourceId }] });
    await login(t, 'team', 'sam@bella.example', 'at least twelve characters');
  });
});
