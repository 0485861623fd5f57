import { query, requestJson } from '../lib/api';
import { ApiError, describeError } from '../lib/errors';
import type { Availability, BookingCreated, ManagedBooking, PublicServices } from './booking-logic';

/** The unauthenticated booking API: no token, nothing about staff. */
const call = <T>(method: 'GET' | 'POST', path: string, body?: unknown) => requestJson<T>(method, path, body);

const v = (id: string) => encodeURIComponent(id);

export const publicApi = {
  services: (venueId: string) => call<PublicServices>('GET', `/public/venues/${v(venueId)}/services`),
  availability: (venueId: string, serviceId: string, from: string, to: string) =>
    call<Availability>('GET', `/public/venues/${v(venueId)}/availability${query({ serviceId, from, to })}`),
  book: (venueId: string, body: Record<string, unknown>) => call<BookingCreated>('POST', `/public/venues/${v(venueId)}/bookings`, body),
  booking: (token: string) => call<ManagedBooking>('GET', `/public/bookings/${v(token)}`),
  reschedule: (token: string, startsAt: string) => call<ManagedBooking>('POST', `/public/bookings/${v(token)}/reschedule`, { startsAt }),
  cancel: (token: string) => call<ManagedBooking>('POST', `/public/bookings/${v(token)}/cancel`),
};

/** What a customer reads for a failure: the booking page's own words for the codes they can meet. */
export function customerMessage(error: unknown): string {
  if (error instanceof ApiError) {
    switch (error.code) {
      case 'SLOT_TAKEN':
        return 'Sorry, someone else just booked this time. Please choose another one.';
      case 'SLOT_NOT_BOOKABLE':
        return 'This time can no longer be booked. Please choose another one.';
      case 'CANCELLATION_CUTOFF':
        return 'It is too late to change this booking online. Please contact the venue.';
      case 'RATE_LIMITED': {
        const s = Number(error.details.retryAfterSeconds);
        return `Too many requests from your connection. Please wait${Number.isFinite(s) && s > 0 ? ` ${Math.ceil(s)} seconds` : ' a moment'} and try again.`;
      }
      case 'VENUE_NOT_FOUND':
        return 'There is no booking page at this address. Please check the link you were given.';
      case 'BOOKING_NOT_FOUND':
        return 'This booking link is not valid any more: the booking may have been cancelled. Please check the link or book again.';
      case 'SERVICE_NOT_FOUND':
        return 'This service can no longer be booked online. Please choose another one.';
    }
  }
  return describeError(error);
}
