import { useCallback, useState } from 'react';
import { request, type UserError } from '../api.js';
import { useConsole } from './context.js';

/** A payload of a mutation: what it made, or the userErrors that say why not. */
export type Payload = Record<string, unknown> & { userErrors: UserError[] };

/**
 * Runs mutations for a form: their userErrors kept for the fields they name, a GraphQL error
 * (not a userError) as the form's message; the payload when it worked.
 */
export function useMutation() {
  const { credential } = useConsole();
  const [errors, setErrors] = useState<UserError[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async <P extends Payload>(
      name: string,
      query: string,
      variables: Record<string, unknown>,
    ): Promise<P | null> => {
      setBusy(true);
      setProblem(null);
      try {
        const res = await request<Record<string, P>>(credential, query, variables);
        const payload = res[name] ?? null;
        setErrors(payload?.userErrors ?? []);
        return payload && payload.userErrors.length === 0 ? payload : null;
      } catch (err) {
        setErrors([]);
        setProblem((err as Error).message);
        return null;
      } finally {
        setBusy(false);
      }
    },
    [credential],
  );
  /** Errors that name no field of the form: shown above its button. */
  const general = (fields: readonly string[]) => [
    ...errors.filter((e) => !fields.includes(e.field?.at(-1) ?? '')).map((e) => e.message),
    ...(problem ? [problem] : []),
  ];
  return { run, errors, busy, general };
}

/** The form's messages that belong to no field. */
export function Problems({ messages }: { messages: string[] }) {
  return (
    <>
      {messages.map((m) => (
        <p key={m} className="error" role="alert">
          {m}
        </p>
      ))}
    </>
  );
}
