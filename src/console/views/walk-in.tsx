import { type FormEvent, useEffect, useState } from 'react';
import { errorFor, request } from '../api.js';
import { useConsole } from './context.js';
import { Dialog, Field } from './dialog.js';
import { Problems, useMutation } from './mutation.js';
import { dayLabel, localOf, timeRange } from './zone.js';

// A walk-in from an empty cell: the business books past its notice and hours (bypassPolicy).

interface Service {
  id: string;
  name: string;
  durationMinutes: number;
  pool: Array<{ id: string }>;
}

export function WalkIn({
  resourceId,
  resourceName,
  startsAt,
  onClose,
  onBooked,
}: {
  resourceId: string;
  resourceName: string;
  startsAt: number;
  onClose: () => void;
  onBooked: (id: string) => void;
}) {
  const { credential, me } = useConsole();
  const zone = me.tenant?.timeZone ?? 'UTC';
  const [services, setServices] = useState<Service[]>([]);
  const [form, setForm] = useState({ serviceId: '', name: '', email: '', phone: '', notes: '' });
  const [problem, setProblem] = useState<string | null>(null);
  const mutation = useMutation();
  const errors = mutation.errors;

  useEffect(() => {
    request<{ services: Service[] }>(
      credential,
      '{ services { id name durationMinutes pool { id } } }',
    )
      .then((res) => {
        // The services this resource delivers.
        const here = res.services.filter((s) => s.pool.some((r) => r.id === resourceId));
        setServices(here);
        setForm((f) => ({ ...f, serviceId: f.serviceId || here[0]?.id || '' }));
      })
      .catch((err: Error) => setProblem(err.message));
  }, [credential, resourceId]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const payload = await mutation.run<{ userErrors: []; booking: { id: string } | null }>(
      'createBooking',
      `mutation WalkIn($input: CreateBookingInput!) {
        createBooking(input: $input) { booking { id } userErrors { code field message } }
      }`,
      {
        input: {
          serviceId: form.serviceId,
          startsAt: new Date(startsAt).toISOString(),
          resourceId,
          bypassPolicy: true,
          customer: { name: form.name, email: form.email, phone: form.phone || null },
          notes: form.notes || null,
        },
      },
    );
    if (payload?.booking) onBooked(payload.booking.id);
  }

  const service = services.find((s) => s.id === form.serviceId);
  const when = `${dayLabel(localOf(startsAt, zone).date)}, ${
    service
      ? timeRange(startsAt, startsAt + service.durationMinutes * 60_000, zone)
      : timeRange(startsAt, startsAt, zone).split('–')[0]
  }`;
  const input = (name: 'name' | 'email' | 'phone' | 'notes', label: string, type = 'text') => (
    <Field label={label} error={errorFor(errors, name)}>
      <input
        type={type}
        value={form[name]}
        required={name === 'name' || name === 'email'}
        onChange={(e) => setForm({ ...form, [name]: e.target.value })}
      />
    </Field>
  );
  return (
    <Dialog title="Walk-in" onClose={onClose}>
      <form aria-label="Walk-in booking" onSubmit={(e) => void submit(e)}>
        <p>
          With {resourceName}, {when} ({zone})
        </p>
        {services.length === 0 ? <p>{resourceName} delivers no active service.</p> : null}
        <Field label="Service" error={errorFor(errors, 'serviceId')}>
          <select
            value={form.serviceId}
            onChange={(e) => setForm({ ...form, serviceId: e.target.value })}
          >
            {services.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({s.durationMinutes} min)
              </option>
            ))}
          </select>
        </Field>
        {input('name', 'Customer name')}
        {input('email', 'Customer email', 'email')}
        {input('phone', 'Phone', 'tel')}
        {input('notes', 'Notes')}
        <Problems
          messages={[
            ...mutation.general(['serviceId', 'name', 'email', 'phone', 'notes']),
            ...(problem ? [problem] : []),
          ]}
        />
        <button type="submit" disabled={mutation.busy}>
          Book
        </button>
      </form>
    </Dialog>
  );
}
