/** Where services read the time, so tests can set it; `hub/` passes the system clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
