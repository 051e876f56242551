import ical, {
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventStatus,
} from 'ical-generator';

interface Invite {
  /** Stable per booking: every invite about it updates one calendar entry. */
  uid: string;
  /** Grows with every change, so calendars take the newest. */
  sequence: number;
  method: 'REQUEST' | 'CANCEL';
  start: Date;
  end: Date;
  summary: string;
  description: string;
  organizer: { name: string; email: string };
  attendee: { name: string; email: string };
  status: 'CONFIRMED' | 'TENTATIVE' | 'CANCELLED';
}

/** An iCalendar (RFC 5545) invite with times in UTC. */
export function inviteIcs(invite: Invite): string {
  const calendar = ical({
    prodId: { company: 'booking-api', product: 'bookings', language: 'EN' },
    method: invite.method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
  });
  calendar.createEvent({
    id: invite.uid,
    sequence: invite.sequence,
    start: invite.start,
    end: invite.end,
    stamp: new Date(),
    summary: invite.summary,
    description: invite.description,
    organizer: invite.organizer,
    attendees: [
      {
        name: invite.attendee.name,
        email: invite.attendee.email,
        role: ICalAttendeeRole.REQ,
        status:
          invite.method === 'CANCEL' ? ICalAttendeeStatus.DECLINED : ICalAttendeeStatus.ACCEPTED,
      },
    ],
    status:
      invite.status === 'CANCELLED'
        ? ICalEventStatus.CANCELLED
        : invite.status === 'TENTATIVE'
          ? ICalEventStatus.TENTATIVE
          : ICalEventStatus.CONFIRMED,
  });
  return calendar.toString();
}
