import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { errorFor, request } from '../api.js';
import { CheckList } from './choices.js';
import { useConsole } from './context.js';
import { Field } from './dialog.js';
import { Problems, useMutation } from './mutation.js';

// Services: what can be booked, who delivers it (its pool, in priority order, and the
// policy that picks), what it needs besides (a room), its price and whether the business
// confirms each booking.

interface Service {
  id: string;
  name: string;
  durationMinutes: number;
  capacity: number;
  priceMinor: number | null;
  currency: string | null;
  requiresConfirmation: boolean;
  assignment: string;
  active: boolean;
  pool: Array<{ id: string; name: string }>;
  requirements: Array<{ label: string; resources: Array<{ id: string; name: string }> }>;
}

const SERVICES = `{
  services(includeInactive: true) {
    id name durationMinutes capacity priceMinor currency requiresConfirmation assignment active
    pool { id name } requirements { label resources { id name } }
  }
  resources { id name }
}`;

const POLICIES: Record<string, string> = {
  PRIORITY: 'The first free one, in the order of the pool',
  ROUND_ROBIN: 'In turn',
  LEAST_BOOKED_DAY: 'The one with the fewest bookings that day',
};

const empty = {
  id: '',
  name: '',
  durationMinutes: '60',
  capacity: '1',
  price: '',
  currency: 'EUR',
  requiresConfirmation: false,
  assignment: 'PRIORITY',
  pool: [] as string[],
  requirementLabel: '',
  requirement: [] as string[],
};

const FIELDS = [
  'name',
  'durationMinutes',
  'capacity',
  'priceMinor',
  'currency',
  'resourceIds',
  'requirements',
  'label',
  'assignment',
];

export function Services() {
  const { credential } = useConsole();
  const [services, setServices] = useState<Service[]>([]);
  const [resources, setResources] = useState<Array<{ id: string; name: string }>>([]);
  const [form, setForm] = useState(empty);
  const [done, setDone] = useState<string | null>(null);
  const save = useMutation();
  const toggle = useMutation();

  const load = useCallback(async () => {
    const res = await request<{
      services: Service[];
      resources: Array<{ id: string; name: string }>;
    }>(credential, SERVICES);
    setServices(res.services);
    setResources(res.resources);
  }, [credential]);
  useEffect(() => {
    void load();
  }, [load]);

  const edit = (s: Service) =>
    setForm({
      id: s.id,
      name: s.name,
      durationMinutes: String(s.durationMinutes),
      capacity: String(s.capacity),
      price: s.priceMinor == null ? '' : (s.priceMinor / 100).toFixed(2),
      currency: s.currency ?? 'EUR',
      requiresConfirmation: s.requiresConfirmation,
      assignment: s.assignment,
      pool: s.pool.map((r) => r.id),
      requirementLabel: s.requirements[0]?.label ?? '',
      requirement: s.requirements[0]?.resources.map((r) => r.id) ?? [],
    });

  async function submit(e: FormEvent) {
    e.preventDefault();
    const priced = form.price.trim() !== '';
    const input = {
      name: form.name,
      durationMinutes: Number(form.durationMinutes),
      capacity: Number(form.capacity),
      priceMinor: priced ? Math.round(Number(form.price) * 100) : null,
      currency: priced ? form.currency.trim().toUpperCase() : null,
      requiresConfirmation: form.requiresConfirmation,
      assignment: form.assignment,
      resourceIds: form.pool,
      requirements: form.requirementLabel.trim()
        ? [{ label: form.requirementLabel.trim(), resourceIds: form.requirement }]
        : [],
    };
    const payload = form.id
      ? await save.run(
          'updateService',
          'mutation SaveService($id: ID!, $input: ServiceInput!) { updateService(id: $id, input: $input) { service { id } userErrors { code field message } } }',
          { id: form.id, input },
        )
      : await save.run(
          'createService',
          'mutation NewService($input: ServiceInput!) { createService(input: $input) { service { id } userErrors { code field message } } }',
          { input },
        );
    if (!payload) return;
    setDone(`${form.name} saved`);
    setForm(empty);
    await load();
  }

  async function setActive(s: Service, active: boolean) {
    if (
      await toggle.run(
        'setServiceActive',
        'mutation ($id: ID!, $active: Boolean!) { setServiceActive(id: $id, active: $active) { service { id } userErrors { code field message } } }',
        { id: s.id, active },
      )
    ) {
      setDone(`${s.name} ${active ? 'can be booked again' : 'can no longer be booked'}`);
      await load();
    }
  }

  const checkboxes = (key: 'pool' | 'requirement', legend: string, error: string | null) => (
    <CheckList
      legend={legend}
      options={resources.map((r) => ({ value: r.id, label: r.name }))}
      value={form[key]}
      onChange={(ids) => setForm({ ...form, [key]: ids })}
      error={error}
    />
  );
  const text = (
    name: 'name' | 'durationMinutes' | 'capacity' | 'price' | 'currency',
    label: string,
    type = 'text',
    error = name as string,
  ) => (
    <Field label={label} error={errorFor(save.errors, error)}>
      <input
        type={type}
        value={form[name]}
        onChange={(e) => setForm({ ...form, [name]: e.target.value })}
        required={name === 'name' || name === 'durationMinutes'}
      />
    </Field>
  );
  return (
    <section className="settings" aria-label="Services">
      <h2>Services</h2>
      {done ? <p role="status">{done}</p> : null}
      <table className="list">
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col">With</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {services.map((s) => (
            <tr key={s.id} className={s.active ? undefined : 'inactive'}>
              <td>
                {s.name} · {s.durationMinutes} min
                {s.priceMinor != null ? ` · ${(s.priceMinor / 100).toFixed(2)} ${s.currency}` : ''}
                {s.capacity > 1 ? ` · ${s.capacity} places` : ''}
                {s.active ? '' : ' (not bookable)'}
              </td>
              <td>
                {s.pool.map((r) => r.name).join(', ')}
                {s.requirements.map((q) => ` + ${q.label}`).join('')}
              </td>
              <td>
                <button type="button" onClick={() => edit(s)}>
                  Edit
                </button>{' '}
                <button type="button" onClick={() => void setActive(s, !s.active)}>
                  {s.active ? 'Stop bookings' : 'Allow bookings'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Problems messages={toggle.general([])} />
      <h3>{form.id ? `Edit ${form.name}` : 'New service'}</h3>
      <form aria-label="Service" onSubmit={(e) => void submit(e)}>
        {text('name', 'Name')}
        {text('durationMinutes', 'Minutes', 'number')}
        {text('capacity', 'Places per session (1: one customer at a time)', 'number')}
        {text('price', 'Price (empty: none)', 'text', 'priceMinor')}
        {text('currency', 'Currency (ISO 4217)')}
        <label className="check">
          <input
            type="checkbox"
            checked={form.requiresConfirmation}
            onChange={(e) => setForm({ ...form, requiresConfirmation: e.target.checked })}
          />
          The business confirms each booking
        </label>
        {checkboxes(
          'pool',
          'Who delivers it (in this order)',
          errorFor(save.errors, 'resourceIds'),
        )}
        <Field label="Who takes a booking" error={errorFor(save.errors, 'assignment')}>
          <select
            value={form.assignment}
            onChange={(e) => setForm({ ...form, assignment: e.target.value })}
          >
            {Object.entries(POLICIES).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="Also needs one of (e.g. Room; empty: nothing)"
          error={errorFor(save.errors, 'label')}
        >
          <input
            value={form.requirementLabel}
            onChange={(e) => setForm({ ...form, requirementLabel: e.target.value })}
          />
        </Field>
        {form.requirementLabel.trim()
          ? checkboxes(
              'requirement',
              `${form.requirementLabel}: one of`,
              errorFor(save.errors, 'requirements'),
            )
          : null}
        <Problems messages={save.general(FIELDS)} />
        <button type="submit" disabled={save.busy}>
          {form.id ? 'Save the service' : 'Add the service'}
        </button>{' '}
        {form.id ? (
          <button type="button" onClick={() => setForm(empty)}>
            New service instead
          </button>
        ) : null}
      </form>
    </section>
  );
}
