// The console is a client like any other: the public GraphQL API with the signed-in user's
// credential, on this page's own origin.

export interface Credential {
  tenant: string;
  token: string;
  kind: 'session' | 'apiKey';
}

export interface Me {
  kind: string;
  role: string | null;
  email: string | null;
  name: string | null;
  tenant: { name: string; slug: string; timeZone: string } | null;
  resources: Array<{ id: string; name: string }>;
}

export const ENDPOINT = `${window.location.origin}/graphql`;

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

export async function post<T>(
  body: object,
  headers: Record<string, string>,
): Promise<GraphQLResponse<T>> {
  const response = await fetch(ENDPOINT, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return (await response.json()) as GraphQLResponse<T>;
}

export const authHeaders = (c: Credential) => ({
  authorization: `Bearer ${c.token}`,
  'x-tenant': c.tenant,
});

/** An expected refusal, next to the field it names. */
export interface UserError {
  code?: string;
  field: string[] | null;
  message: string;
}

/** The data of an operation; a GraphQL error (not a userError) is thrown with its message. */
export async function request<T>(
  credential: Credential,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const res = await post<T>({ query, variables }, authHeaders(credential));
  if (res.errors?.length || !res.data) {
    throw new Error(res.errors?.[0]?.message ?? 'The server gave no answer');
  }
  return res.data;
}

/** The message of a userError whose field ends with `name`, for the form field of that name. */
export function errorFor(errors: readonly UserError[], name: string): string | null {
  return errors.find((e) => e.field?.at(-1) === name)?.message ?? null;
}
