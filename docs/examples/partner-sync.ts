// A partner following every booking change: read the event feed from a saved cursor.
// Run: API_URL=http://localhost:4000 API_KEY=bka_... CURSOR_FILE=.cursor node docs/examples/partner-sync.ts
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { GraphQLClient } from 'graphql-request';

const client = new GraphQLClient(`${process.env.API_URL ?? 'http://localhost:4000'}/graphql`, {
  headers: { authorization: `Bearer ${process.env.API_KEY}` },
});
const cursorFile = process.env.CURSOR_FILE ?? '.booking-events-cursor';
let after = existsSync(cursorFile) ? readFileSync(cursorFile, 'utf8').trim() || null : null;

interface Page {
  bookingEvents: {
    edges: { node: { id: string; type: string; bookingId: string; sequence: number; data: { status: string } } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}
for (;;) {
  const { bookingEvents: page } = await client.request<Page>(
    `query ($after: String) { bookingEvents(after: $after, first: 100) {
      edges { node { id type bookingId sequence data } }
      pageInfo { hasNextPage endCursor } } }`,
    { after },
  );
  for (const { node } of page.edges) {
    // Apply the change; `sequence` orders a booking's events, `id` makes applying idempotent.
    console.log(JSON.stringify({ id: node.id, type: node.type, booking: node.bookingId, sequence: node.sequence, status: node.data.status }));
  }
  after = page.pageInfo.endCursor;
  // Saved only after the page was applied: a crash repeats a page, it never skips one.
  if (after) writeFileSync(cursorFile, after);
  if (!page.pageInfo.hasNextPage) break;
}
