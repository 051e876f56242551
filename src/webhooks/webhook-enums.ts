import { registerEnumType } from 'type-graphql';

/** What a webhook's `data` holds: the booking as the feed shows it, or its ids only. */
export enum WebhookPayload {
  FULL = 'FULL',
  IDS_ONLY = 'IDS_ONLY',
}
registerEnumType(WebhookPayload, {
  name: 'WebhookPayload',
  valuesConfig: {
    FULL: { description: 'the booking after the change, customer included' },
    IDS_ONLY: { description: 'ids, status and times: no personal data' },
  },
});

export enum WebhookDeliveryStatus {
  /** Waiting for its turn or its first attempt. */
  PENDING = 'PENDING',
  /** Failed at least once; tried again later. */
  RETRYING = 'RETRYING',
  SUCCEEDED = 'SUCCEEDED',
  /** Given up after the retry window; the endpoint was paused. */
  FAILED = 'FAILED',
}
registerEnumType(WebhookDeliveryStatus, { name: 'WebhookDeliveryStatus' });
