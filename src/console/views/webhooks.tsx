import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { errorFor, request } from '../api.js';
import { CheckList } from './choices.js';
import { useConsole } from './context.js';
import { Field } from './dialog.js';
import { Problems, useMutation } from './mutation.js';

// Webhook endpoints: a new one (its secret shown once), pause and resume, a test, and each
// endpoint's deliveries with their attempts.

interface Endpoint {
  id: string;
  url: string;
  events: string[];
  payload: string;
  active: boolean;
  pauseReason: string | null;
}
interface Delivery {
  id: string;
  type: string;
  status: string;
  attemptCount: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
}

const EVENTS = [
  'CREATED',
  'CONFIRMED',
  'RESCHEDULED',
  'CANCELLED',
  'COMPLETED',
  'NO_SHOW',
  'DETAILS_UPDATED',
];
const ERRORS = 'userErrors { code field message }';

export function Webhooks() {
  const { credential } = useConsole();
  const [endpoints, setEndpoints] = useState<Endpoint[]>([]);
  const [form, setForm] = useState({ url: '', events: [...EVENTS], payload: 'FULL' });
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<{ id: string; deliveries: Delivery[] } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const create = useMutation();
  const change = useMutation();

  const load = useCallback(async () => {
    const res = await request<{ webhookEndpoints: Endpoint[] }>(
      credential,
      '{ webhookEndpoints { id url events payload active pauseReason } }',
    );
    setEndpoints(res.webhookEndpoints);
  }, [credential]);
  useEffect(() => {
    void load();
  }, [load]);

  async function add(e: FormEvent) {
    e.preventDefault();
    const res = await create.run<{ userErrors: []; secret: string | null }>(
      'createWebhookEndpoint',
      `mutation AddWebhook($input: WebhookEndpointInput!) {
        createWebhookEndpoint(input: $input) { endpoint { id } secret ${ERRORS} }
      }`,
      { input: form },
    );
    if (!res) return;
    setSecret(res.secret);
    setForm({ url: '', events: [...EVENTS], payload: 'FULL' });
    await load();
  }

  async function act(endpoint: Endpoint, name: string, query: string, what: string) {
    if (await change.run(name, query, { id: endpoint.id })) {
      setDone(`${endpoint.url}: ${what}`);
      await load();
    }
  }

  async function deliveries(endpoint: Endpoint) {
    const res = await request<{ webhookDeliveries: Delivery[] }>(
      credential,
      `query ($id: ID!) { webhookDeliveries(endpointId: $id, first: 50) {
        id type status attemptCount lastStatusCode lastError createdAt
      } }`,
      { id: endpoint.id },
    );
    setOpen({ id: endpoint.id, deliveries: res.webhookDeliveries });
  }

  return (
    <section className="settings" aria-label="Webhooks">
      <h2>Webhooks</h2>
      {done ? <p role="status">{done}</p> : null}
      <ul className="rows" aria-label="Endpoints">
        {endpoints.map((e) => (
          <li key={e.id}>
            <strong>{e.url}</strong> · {e.payload} ·{' '}
            {e.active ? 'active' : `paused${e.pauseReason ? ` (${e.pauseReason})` : ''}`}{' '}
            <button
              type="button"
              onClick={() =>
                void act(
                  e,
                  'updateWebhookEndpoint',
                  `mutation ($id: ID!) { updateWebhookEndpoint(id: $id, input: { active: ${!e.active} }) { ${ERRORS} } }`,
                  e.active ? 'paused' : 'resumed',
                )
              }
            >
              {e.active ? 'Pause' : 'Resume'}
            </button>{' '}
            <button
              type="button"
              onClick={() =>
                void act(
                  e,
                  'sendTestWebhook',
                  `mutation ($id: ID!) { sendTestWebhook(id: $id) { ${ERRORS} } }`,
                  'test sent',
                )
              }
            >
              Send a test
            </button>{' '}
            <button type="button" onClick={() => void deliveries(e)}>
              Deliveries
            </button>{' '}
            <button
              type="button"
              onClick={() =>
                void act(
                  e,
                  'deleteWebhookEndpoint',
                  `mutation ($id: ID!) { deleteWebhookEndpoint(id: $id) { ${ERRORS} } }`,
                  'deleted',
                )
              }
            >
              Delete
            </button>
            {open?.id === e.id ? (
              <table className="list">
                <caption>Deliveries to {e.url}</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Event</th>
                    <th scope="col">Status</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Last answer</th>
                  </tr>
                </thead>
                <tbody>
                  {open.deliveries.map((d) => (
                    <tr key={d.id}>
                      <td>{new Date(d.createdAt).toLocaleString('en-GB')}</td>
                      <td>{d.type}</td>
                      <td>{d.status}</td>
                      <td>{d.attemptCount}</td>
                      <td>{d.lastStatusCode ?? d.lastError ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </li>
        ))}
      </ul>
      <Problems messages={change.general([])} />
      <h3>New endpoint</h3>
      <form aria-label="New webhook endpoint" onSubmit={(e) => void add(e)}>
        <Field label="URL" error={errorFor(create.errors, 'url')}>
          <input
            type="url"
            value={form.url}
            onChange={(e) => setForm({ ...form, url: e.target.value })}
            required
          />
        </Field>
        <CheckList
          legend="Events"
          options={EVENTS.map((ev) => ({ value: ev, label: ev }))}
          value={form.events}
          onChange={(events) => setForm({ ...form, events })}
          error={errorFor(create.errors, 'events')}
        />
        <Field label="Payload" error={errorFor(create.errors, 'payload')}>
          <select
            value={form.payload}
            onChange={(e) => setForm({ ...form, payload: e.target.value })}
          >
            <option value="FULL">Full: the booking, customer included</option>
            <option value="IDS_ONLY">Ids only: no personal data</option>
          </select>
        </Field>
        <Problems messages={create.general(['url', 'events', 'payload'])} />
        <button type="submit" disabled={create.busy}>
          Add the endpoint
        </button>
      </form>
      {secret ? (
        <p role="status" className="secret">
          Its signing secret, shown this once: <code>{secret}</code>
        </p>
      ) : null}
    </section>
  );
}
