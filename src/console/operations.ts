// Ready-made operations, one tab each, dated from the browser's day and week.

interface ReadyTab {
  query: string;
  variables: string;
}

function isoDate(d: Date): string {
  const m = String(d.getMonth() + 1).padStart(2, '0');
  return `${d.getFullYear()}-${m}-${String(d.getDate()).padStart(2, '0')}`;
}

const vars = (value: object) => JSON.stringify(value, null, 2);

/** The tabs for the signed-in role: STAFF get those of their own resources' work only. */
export function readyTabs(now = new Date(), role: string | null = 'ADMIN'): ReadyTab[] {
  const all = allTabs(now);
  return role === 'STAFF' ? all.filter((tab) => !tab.adminOnly) : all;
}

function allTabs(now: Date): Array<ReadyTab & { adminOnly?: boolean }> {
  /** Local midnight `offset` days from today. */
  const day = (offset: number) =>
    new Date(now.getFullYear(), now.getMonth(), now.getDate() + offset);
  const sinceMonday = (now.getDay() + 6) % 7;
  const [today, tomorrow, inAWeek] = [day(0), day(1), day(6)];
  const [monday, nextMonday] = [day(-sinceMonday), day(7 - sinceMonday)];
  const bookingFields = `
      cursor
      node {
        id
        reference
        startsAt
        endsAt
        status
        seats
        customerName
        customerEmail
        customerPhone
        notes
        service { name }
        resource { name }
      }`;
  return [
    {
      query: `# Today's bookings, in start order.
query TodaysBookings($from: DateTime!, $to: DateTime!) {
  bookings(filter: { from: $from, to: $to }, first: 200) {
    totalCount
    edges {${bookingFields}
    }
  }
}
`,
      variables: vars({ from: today.toISOString(), to: tomorrow.toISOString() }),
    },
    {
      query: `# This week's bookings (Monday to Sunday), active ones only.
query ThisWeeksBookings($from: DateTime!, $to: DateTime!, $after: String) {
  bookings(filter: { from: $from, to: $to, statuses: [PENDING, CONFIRMED] }, first: 200, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {${bookingFields}
    }
  }
}
`,
      variables: vars({ from: monday.toISOString(), to: nextMonday.toISOString(), after: null }),
    },
    {
      query: `# Confirm a pending booking, or cancel one (the customer is told by email).
# Run the operation you need with the ▶ button's menu.
mutation ConfirmBooking($id: ID!) {
  confirmBooking(id: $id) {
    booking { reference status startsAt }
    userErrors { code field message }
  }
}

mutation CancelBooking($id: ID!, $reason: String) {
  cancelBooking(id: $id, reason: $reason) {
    booking { reference status cancelledAt cancellationReason }
    userErrors { code field message }
  }
}
`,
      variables: vars({ id: 'paste a booking id here', reason: 'Staff illness' }),
    },
    {
      query: `# Opening hours: replaces the whole weekly pattern of a resource (the first one when
# resourceId is left out). Times are local to the business's time zone.
mutation SetOpeningHours($resourceId: ID, $windows: [WeeklyWindowInput!]!) {
  setWeeklyWindows(resourceId: $resourceId, windows: $windows) {
    resource { name weeklyWindows { weekday startTime endTime } }
    userErrors { code field message }
  }
}

query Resources {
  resources { id name weeklyWindows { weekday startTime endTime } }
}
`,
      variables: vars({
        resourceId: null,
        windows: [
          ...['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'].map((weekday) => ({
            weekday,
            startTime: '09:00',
            endTime: '17:00',
          })),
          { weekday: 'SATURDAY', startTime: '10:00', endTime: '14:00' },
        ],
      }),
    },
    {
      query: `# Close a resource (or, with no resourceId, the whole business) for a while.
mutation AddBlackout($input: BlackoutInput!) {
  createBlackout(input: $input) {
    blackout { id startsAt endsAt reason resource { name } }
    userErrors { code field message }
  }
}
`,
      variables: vars({
        input: {
          resourceId: null,
          startsAt: new Date(tomorrow.getTime() + 12 * 3_600_000).toISOString(),
          endsAt: new Date(tomorrow.getTime() + 14 * 3_600_000).toISOString(),
          reason: 'Team meeting',
        },
      }),
    },
    {
      query: `# Free slots of a service over local dates (at most 62 days). Run Services first for ids.
query Services {
  services(includeInactive: true) { id name durationMinutes active }
}

query CheckSlots($serviceId: ID!, $from: LocalDate!, $to: LocalDate!) {
  slots(serviceId: $serviceId, from: $from, to: $to) { startsAt endsAt remainingCapacity resourceIds }
}
`,
      variables: vars({
        serviceId: 'paste a service id here',
        from: isoDate(today),
        to: isoDate(inAWeek),
      }),
    },
    {
      query: `# A walk-in, or a phone call for a few minutes from now: bypassPolicy books past the
# notice, the horizon and the opening hours (never over another booking). Admins, and staff
# on their own resources. Run Services for the ids.
mutation WalkIn($input: CreateBookingInput!) {
  createBooking(input: $input) {
    booking { id reference startsAt endsAt status resource { name } }
    userErrors { code field message }
  }
}

query Services {
  services { id name durationMinutes resource { id name } }
}
`,
      variables: vars({
        input: {
          serviceId: 'paste a service id here',
          startsAt: new Date(
            Math.ceil((now.getTime() + 10 * 60_000) / 300_000) * 300_000,
          ).toISOString(),
          bypassPolicy: true,
          customer: { name: 'Walk-in customer', email: 'walk-in@example.com' },
        },
      }),
    },
    {
      adminOnly: true,
      query: `# The team: who signs in, their role and the resources a STAFF member works on.
query Team {
  users { id email name role active lastSignInAt resources { id name } }
  invitations { id email role expiresAt resources { name } }
}

# The invitation email carries a one-time link (7 days) to choose a name and password.
mutation InviteUser($input: InviteUserInput!) {
  inviteUser(input: $input) {
    invitation { id email role expiresAt }
    userErrors { code field message }
  }
}

# Role, resources, or active: false (their sessions end at once).
mutation UpdateUser($id: ID!, $change: UpdateUserInput!) {
  updateUser(id: $id, input: $change) {
    user { id email role active resources { name } }
    userErrors { code field message }
  }
}
`,
      variables: vars({
        input: {
          email: 'new.stylist@example.com',
          role: 'STAFF',
          resourceIds: ['paste a resource id'],
        },
        id: 'paste a user id here',
        change: { active: false },
      }),
    },
    {
      adminOnly: true,
      query: `# A service and who delivers it: a pool of people in priority order, rooms or chairs it
# needs besides (requirements), and how a booking is given to one of the pool (assignment:
# LEAST_BOOKED_DAY, PRIORITY or ROUND_ROBIN). Run AllResources for the ids.
mutation SaveService($input: ServiceInput!) {
  createService(input: $input) {
    service { id name pool { name } requirements { label resources { name } } assignment }
    userErrors { code field message }
  }
}
`,
      variables: vars({
        input: {
          name: 'Massage',
          durationMinutes: 60,
          resourceIds: ['paste a resource id', 'and another'],
          requirements: [{ label: 'Room', resourceIds: ['paste a room id'] }],
          assignment: 'LEAST_BOOKED_DAY',
        },
      }),
    },
    {
      adminOnly: true,
      query: `# Resources: people, rooms, chairs. Deactivating one lists the future bookings it holds
# (onAffected: CANCEL cancels them and tells each customer).
query AllResources {
  resources { id name active }
}

mutation AddResource($name: String!) {
  createResource(name: $name) { resource { id name } userErrors { code field message } }
}

mutation UpdateResource($id: ID!, $input: ResourceInput!) {
  updateResource(id: $id, input: $input) {
    resource { id name active }
    affectedBookings { reference startsAt customerName }
    userErrors { code field message }
  }
}
`,
      variables: vars({
        name: 'Chair 2',
        id: 'paste a resource id here',
        input: { name: 'Chair 2' },
      }),
    },
    {
      query: `# Bookings as CSV (RFC 4180), same filter as the listing. For large exports use
# GET /exports/bookings.csv with the same Authorization and X-Tenant headers.
query ExportCsv($filter: BookingFilter) {
  bookingsCsv(filter: $filter)
}
`,
      variables: vars({ filter: { from: monday.toISOString(), to: nextMonday.toISOString() } }),
    },
  ];
}
