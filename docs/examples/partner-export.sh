#!/usr/bin/env bash
# A partner's nightly job: check the key, then download yesterday's bookings as CSV.
# Run: API_URL=http://localhost:4000 API_KEY=bka_... bash docs/examples/partner-export.sh
set -euo pipefail
API_URL=${API_URL:-http://localhost:4000}
: "${API_KEY:?set API_KEY to a PARTNER (or ADMIN) API key}"
FROM=${FROM:-$(date -u -d yesterday +%Y-%m-%dT00:00:00Z)}
TO=${TO:-$(date -u +%Y-%m-%dT00:00:00Z)}

# Who is this key? (An API key names its own tenant; add -H "X-Tenant: <slug>" to be explicit.)
curl -sS -f "$API_URL/graphql" \
  -H "Authorization: Bearer $API_KEY" \
  -H 'Content-Type: application/json' \
  -d '{"query":"{ me { kind role tenant { slug name } } }"}'
echo

# A small export through GraphQL (at most EXPORT_ROW_LIMIT rows)...
curl -sS -f "$API_URL/graphql" \
  -H "Authorization: Bearer $API_KEY" \
  -H 'Content-Type: application/json' \
  -d "{\"query\":\"query(\$f: BookingFilter) { bookingsCsv(filter: \$f) }\",\"variables\":{\"f\":{\"from\":\"$FROM\",\"to\":\"$TO\"}}}" \
  > bookings-graphql.json

# ...and the streamed download, with no row limit: the same CSV, straight to a file.
curl -sS -f -o bookings.csv \
  -H "Authorization: Bearer $API_KEY" \
  "$API_URL/exports/bookings.csv?from=$FROM&to=$TO&status=CONFIRMED,COMPLETED,NO_SHOW"
echo "saved bookings.csv ($(wc -c < bookings.csv) bytes)"
