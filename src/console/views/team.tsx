import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { errorFor, request } from '../api.js';
import { CheckList } from './choices.js';
import { useConsole } from './context.js';
import { Field } from './dialog.js';
import { Problems, useMutation } from './mutation.js';

// The team: who signs in, their role and resources; invitations; API keys for partners.

interface User {
  id: string;
  email: string;
  name: string | null;
  role: string;
  active: boolean;
  resources: Array<{ id: string; name: string }>;
}
interface Invitation {
  id: string;
  email: string;
  role: string;
  expiresAt: string;
  acceptedAt: string | null;
}
interface ApiKey {
  id: string;
  name: string;
  role: string;
  prefix: string;
  lastUsedAt: string | null;
}

const TEAM = `query Team {
  users { id email name role active resources { id name } }
  invitations { id email role expiresAt acceptedAt }
  resources { id name }
  apiKeys { id name role prefix lastUsedAt }
}`;

const ERRORS = 'userErrors { code field message }';

export function Team() {
  const { credential, me } = useConsole();
  const [team, setTeam] = useState<{
    users: User[];
    invitations: Invitation[];
    resources: Array<{ id: string; name: string }>;
    apiKeys: ApiKey[];
  } | null>(null);
  const [invite, setInvite] = useState({ email: '', role: 'STAFF', resourceIds: [] as string[] });
  const [key, setKey] = useState({ name: '', role: 'PARTNER' });
  const [secret, setSecret] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const invitation = useMutation();
  const change = useMutation();
  const keys = useMutation();

  const load = useCallback(async () => setTeam(await request(credential, TEAM)), [credential]);
  useEffect(() => {
    void load();
  }, [load]);

  async function sendInvite(e: FormEvent) {
    e.preventDefault();
    const ok = await invitation.run(
      'inviteUser',
      `mutation Invite($input: InviteUserInput!) { inviteUser(input: $input) { invitation { id } ${ERRORS} } }`,
      {
        input: {
          email: invite.email,
          role: invite.role,
          resourceIds: invite.role === 'STAFF' ? invite.resourceIds : [],
        },
      },
    );
    if (!ok) return;
    setDone(`Invitation sent to ${invite.email}`);
    setInvite({ email: '', role: 'STAFF', resourceIds: [] });
    await load();
  }

  async function update(user: User, input: Record<string, unknown>, what: string) {
    const ok = await change.run(
      'updateUser',
      `mutation UpdateUser($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { user { id } ${ERRORS} } }`,
      { id: user.id, input },
    );
    if (ok) {
      setDone(`${user.email}: ${what}`);
      await load();
    }
  }

  async function createKey(e: FormEvent) {
    e.preventDefault();
    const res = await keys.run<{ userErrors: []; secret: string | null }>(
      'createApiKey',
      `mutation CreateKey($name: String!, $role: Role!) { createApiKey(name: $name, role: $role) { secret apiKey { id } ${ERRORS} } }`,
      key,
    );
    if (!res) return;
    setSecret(res.secret);
    setKey({ name: '', role: 'PARTNER' });
    await load();
  }

  async function revoke(id: string) {
    if (
      await keys.run(
        'revokeApiKey',
        `mutation ($id: ID!) { revokeApiKey(id: $id) { ${ERRORS} } }`,
        { id },
      )
    ) {
      await load();
    }
  }

  return (
    <section className="settings" aria-label="Team">
      <h2>Team</h2>
      {done ? <p role="status">{done}</p> : null}
      <table className="list">
        <thead>
          <tr>
            <th scope="col">Person</th>
            <th scope="col">Role</th>
            <th scope="col">Works on</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {team?.users.map((u) => (
            <tr key={u.id} className={u.active ? undefined : 'inactive'}>
              <td>
                {u.name ?? '—'} · {u.email}
                {u.active ? '' : ' (deactivated)'}
              </td>
              <td>{u.role}</td>
              <td>{u.resources.map((r) => r.name).join(', ')}</td>
              <td>
                {u.email === me.email ? null : (
                  <>
                    <button
                      type="button"
                      onClick={() =>
                        void update(
                          u,
                          { active: !u.active },
                          u.active ? 'deactivated' : 'active again',
                        )
                      }
                    >
                      {u.active ? 'Deactivate' : 'Reactivate'}
                    </button>{' '}
                    <button
                      type="button"
                      onClick={() =>
                        void update(
                          u,
                          { role: u.role === 'ADMIN' ? 'STAFF' : 'ADMIN' },
                          'role changed',
                        )
                      }
                    >
                      Make {u.role === 'ADMIN' ? 'staff' : 'admin'}
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Problems messages={change.general([])} />

      <h3>Invite someone</h3>
      <form aria-label="Invite someone" onSubmit={(e) => void sendInvite(e)}>
        <Field label="Email" error={errorFor(invitation.errors, 'email')}>
          <input
            type="email"
            value={invite.email}
            onChange={(e) => setInvite({ ...invite, email: e.target.value })}
            required
          />
        </Field>
        <Field label="Role" error={errorFor(invitation.errors, 'role')}>
          <select
            value={invite.role}
            onChange={(e) => setInvite({ ...invite, role: e.target.value })}
          >
            <option value="STAFF">Staff: their own resources' bookings and hours</option>
            <option value="ADMIN">Admin: everything</option>
          </select>
        </Field>
        {invite.role === 'STAFF' ? (
          <CheckList
            legend="Works on"
            options={(team?.resources ?? []).map((r) => ({ value: r.id, label: r.name }))}
            value={invite.resourceIds}
            onChange={(resourceIds) => setInvite({ ...invite, resourceIds })}
            error={errorFor(invitation.errors, 'resourceIds')}
          />
        ) : null}
        <Problems messages={invitation.general(['email', 'role', 'resourceIds'])} />
        <button type="submit" disabled={invitation.busy}>
          Send the invitation
        </button>
      </form>
      <ul className="rows" aria-label="Invitations">
        {team?.invitations
          .filter((i) => !i.acceptedAt)
          .map((i) => (
            <li key={i.id}>
              {i.email} · {i.role} · open until {new Date(i.expiresAt).toLocaleDateString('en-GB')}
            </li>
          ))}
      </ul>

      <h3>API keys</h3>
      <form aria-label="New API key" onSubmit={(e) => void createKey(e)}>
        <Field label="Name" error={errorFor(keys.errors, 'name')}>
          <input
            value={key.name}
            onChange={(e) => setKey({ ...key, name: e.target.value })}
            required
          />
        </Field>
        <Field label="Role" error={errorFor(keys.errors, 'role')}>
          <select value={key.role} onChange={(e) => setKey({ ...key, role: e.target.value })}>
            <option value="PARTNER">Partner: read bookings and events</option>
            <option value="ADMIN">Admin</option>
          </select>
        </Field>
        <Problems messages={keys.general(['name', 'role'])} />
        <button type="submit" disabled={keys.busy}>
          Create the key
        </button>
      </form>
      {secret ? (
        <p role="status" className="secret">
          The key, shown this once: <code>{secret}</code>
        </p>
      ) : null}
      <ul className="rows" aria-label="API keys">
        {team?.apiKeys.map((k) => (
          <li key={k.id}>
            {k.name} · {k.role} · {k.prefix}…
            {k.lastUsedAt ? ` · last used ${new Date(k.lastUsedAt).toLocaleString('en-GB')}` : ''}{' '}
            <button type="button" onClick={() => void revoke(k.id)}>
              Revoke
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
