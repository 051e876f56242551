import { createClient } from 'graphql-ws';
import { useEffect } from 'react';
import type { Credential } from '../api.js';

/** Calls `onEvent` on every booking event the credential may see, over the subscription. */
export function useBookingEvents(credential: Credential, onEvent: () => void): void {
  useEffect(() => {
    const url = `${window.location.origin.replace(/^http/, 'ws')}/graphql`;
    const client = createClient({
      url,
      connectionParams: { authorization: `Bearer ${credential.token}`, tenant: credential.tenant },
      // A dropped connection (a restart, a network change) comes back on its own.
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
    });
    const stop = client.subscribe(
      { query: 'subscription AgendaLive { bookingEvents { id type bookingId } }' },
      { next: () => onEvent(), error: () => {}, complete: () => {} },
    );
    return () => {
      stop();
      void client.dispose();
    };
  }, [credential, onEvent]);
}
