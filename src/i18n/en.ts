// English: the source catalogue. Every other language has the same keys and arguments
// (test/unit/catalogues.test.ts). ICU MessageFormat: {name} is an argument.

export const en = {
  // When: a date, a time range, the zone's short name and its IANA id.
  'when.range': '{date}, {start}–{end} {zoneName} ({zone})',
  'when.times': '{start}–{end} {zoneName} ({zone})',
  'when.withBusiness': '{when}; at the business: {businessWhen}',
  'when.instant': '{date}, {time} {zoneName} ({zone})',

  'booking.created.customer.subject': 'Booking confirmed: {service}, {when}',
  'booking.created.customer.heading': 'Your booking is confirmed',
  'booking.created.customer.intro': 'Hi {customer}, your booking with {business} is confirmed.',
  'booking.requested.customer.subject': 'Booking request received: {service}, {when}',
  'booking.requested.customer.heading': 'We have your request',
  'booking.requested.customer.intro':
    'Hi {customer}, {business} has received your booking request and will confirm it shortly. The time is held for you.',
  'booking.manage_link.customer.subject': 'Your booking: {service}, {when}',
  'booking.manage_link.customer.heading': 'Your booking',
  'booking.manage_link.customer.intro':
    'Hi {customer}, here is the link to view, change or cancel your booking with {business}.',
  'booking.created.business.subject': 'New booking: {service}, {when} ({customer})',
  'booking.created.business.heading': 'New booking',
  'booking.created.business.intro': '{customer} has booked {service}.',
  'booking.confirmed.customer.subject': 'Booking confirmed: {service}, {when}',
  'booking.confirmed.customer.heading': 'Your booking is confirmed',
  'booking.confirmed.customer.intro': 'Hi {customer}, {business} has confirmed your booking.',
  'booking.cancelled.customer.subject': 'Booking cancelled: {service}, {when}',
  'booking.cancelled.customer.heading': 'Your booking is cancelled',
  'booking.cancelled.customer.intro':
    'Hi {customer}, your booking with {business} has been cancelled.',
  'booking.cancelled.business.subject': 'Booking cancelled by the customer: {service}, {when}',
  'booking.cancelled.business.heading': 'Booking cancelled',
  'booking.cancelled.business.intro': '{customer} has cancelled their booking.',
  'booking.rescheduled.customer.subject': 'Booking moved: {service}, {when}',
  'booking.rescheduled.customer.heading': 'Your booking has moved',
  'booking.rescheduled.customer.intro':
    'Hi {customer}, your booking with {business} now takes place at the new time below.',
  'booking.rescheduled.business.subject': 'Booking moved by the customer: {service}, {when}',
  'booking.rescheduled.business.heading': 'Booking moved',
  'booking.rescheduled.business.intro': '{customer} has moved their booking to the time below.',
  'reminder.customer.subject': 'Reminder: {service}, {when}',
  'reminder.customer.heading': 'See you soon',
  'reminder.customer.intro': 'Hi {customer}, this is a reminder of your booking with {business}.',
  'reminder.business.subject': 'Reminder: {service}, {when} ({customer})',
  'reminder.business.heading': 'Coming up',
  'reminder.business.intro': '{customer} is booked for {service}.',
  'reminder.staff.subject': 'Reminder: {service}, {when} ({customer})',
  'reminder.staff.heading': 'Coming up',
  'reminder.staff.intro': '{customer} is booked for {service} with you.',

  'label.service': 'Service',
  'label.when': 'When',
  'label.reference': 'Reference',
  'label.seats': 'Seats',
  'label.price': 'Price',
  'label.customer': 'Customer',
  'label.email': 'Email',
  'label.phone': 'Phone',
  'label.notes': 'Notes',
  'label.address': 'Address',
  'label.status': 'Status',
  'label.reason': 'Reason',
  /** Between a label and its value in the text part. */
  'text.colon': ': ',
  'price.seats': '{total} ({seats} × {each})',
  'note.previous': 'It was booked for {when}.',
  'note.reason': 'Reason: {reason}',
  'action.manage': 'View, change or cancel your booking',
  'footer.customer': 'You receive this email because of a booking made with this business.',
  'footer.business': 'Sent by your booking system.',
  'footer.account': 'You receive this email because of an account with this business.',
  'footer.admin': 'You receive this email as an administrator of this business.',

  'account.invitation.subject': 'You are invited to {business}',
  'account.invitation.heading': 'Join {business}',
  'account.invitation.intro':
    '{business} invites you to sign in to its bookings as {role}. Choose your name and password with the link below; it works once, until {expires}.',
  'account.invitation.action': 'Accept the invitation',
  'account.password_reset.subject': 'Reset your password for {business}',
  'account.password_reset.heading': 'Reset your password',
  'account.password_reset.intro':
    'Someone asked to reset the password of this account at {business}. The link below works once, until {expires}, and signs out every other session. If it was not you, ignore this email: the password stays as it is.',
  'account.password_reset.action': 'Choose a new password',
  'role.admin': 'an administrator',
  'role.staff': 'a member of staff',

  'notice.webhook_paused.subject': 'Webhook paused: {url}',
  'notice.webhook_paused.heading': 'A webhook endpoint was paused',
  'notice.webhook_paused.intro':
    'Deliveries to {url} kept failing, so the bookings of {business} are no longer sent there. Nothing is lost: the deliveries wait, and go out in order when the endpoint is active again (updateWebhookEndpoint with active: true).',
  'notice.webhook_paused.action': 'Open the console',

  // The manage page.
  'page.title': 'Your booking with {business}',
  'page.status.CONFIRMED': 'Confirmed',
  'page.status.PENDING': 'Waiting for confirmation by the business',
  'page.status.CANCELLED': 'Cancelled',
  'page.status.COMPLETED': 'Completed',
  'page.status.NO_SHOW': 'Missed',
  'page.cancel.heading': 'Cancel the booking',
  'page.cancel.reason': 'Reason (optional)',
  'page.cancel.button': 'Cancel the booking',
  'page.move.heading': 'Move to another time',
  'page.move.date': 'Day',
  'page.move.show': 'Show free times',
  'page.move.none': 'No free time on this day. Try another day.',
  'page.move.button': 'Move to this time',
  'page.move.times': 'Free times on {date}',
  'page.done.cancelled': 'Your booking is cancelled. We have sent you an email.',
  'page.done.rescheduled': 'Your booking has moved. We have sent you an email.',
  'page.closed': 'This booking can no longer be changed here.',
  'page.tooLate':
    'Changes are possible until {hours, plural, one {# hour} other {# hours}} before the start. Please contact {business}.',
  'page.contact': 'Questions? Contact {business}:',
  'page.error.taken': 'That time has just been taken. Please choose another.',
  'page.error.date': 'Please choose a day within the next {days} days.',
  'page.error.other': 'This change could not be made: {message}',
  'page.failed.title': 'Something went wrong',
  'page.error.busy': 'Too many requests: please try again in a few minutes.',
  'page.error.unavailable':
    'The booking service is briefly unavailable. Please try again in a moment.',
  'page.notFound.title': 'Booking not found',
  'page.notFound':
    'This link does not lead to a booking. It may be incomplete: open it again from your email, or ask {business} to send it again.',
} as const satisfies Record<string, string>;

export type MessageKey = keyof typeof en;
export type Catalogue = Record<MessageKey, string>;
