import type { TimeFormat } from './record.ts';

const MONTHS: Readonly<Record<string, number>> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
const CLF = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;
const BIND = /^(\d{2})-([A-Z][a-z]{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})(\.\d+)?$/;
const SYSLOG = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * Milliseconds since the epoch of a logged time, or null when it cannot be read. Times without a
 * zone (BIND, syslog) are taken as UTC; syslog times, which carry no year, take `year`.
 */
export function timeToMillis(raw: string, format: TimeFormat, year: number): number | null {
  switch (format) {
    case 'none':
      return null;
    case 'epoch-s': {
      const n = Number(raw);
      return Number.isFinite(n) ? Math.round(n * 1000) : null;
    }
    case 'iso': {
      const n = Date.parse(raw.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
      return Number.isFinite(n) ? n : null;
    }
    case 'clf': {
      const m = CLF.exec(raw);
      const month = m === null ? undefined : MONTHS[m[2] ?? ''];
      if (m === null || month === undefined) return null;
      const offset = (Number(m[8]) * 60 + Number(m[9])) * (m[7] === '-' ? -1 : 1);
      return Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) - offset * 60_000;
    }
    case 'bind': {
      const m = BIND.exec(raw);
      const month = m === null ? undefined : MONTHS[m[2] ?? ''];
      if (m === null || month === undefined) return null;
      return Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) + Math.round(Number(m[7] ?? '0') * 1000);
    }
    case 'syslog': {
      const m = SYSLOG.exec(raw);
      const month = m === null ? undefined : MONTHS[m[1] ?? ''];
      if (m === null || month === undefined) return null;
      return Date.UTC(year, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
    }
  }
}
