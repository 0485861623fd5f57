/** Milliseconds since the epoch. Every emulator reads time only through one of these. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/** A clock a test moves by hand (token expiry, channel and subscription expiration). */
export interface ManualClock {
  readonly now: Clock;
  advance(ms: number): void;
  set(epochMs: number): void;
}

export function manualClock(startMs: number = Date.now()): ManualClock {
  let current = startMs;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
    set: (epochMs) => {
      current = epochMs;
    },
  };
}
