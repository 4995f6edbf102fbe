/** Intervals a state office chooses from (minutes); 0: no regular report. */
export const INTERVAL_CHOICES: readonly number[] = [15, 30, 60, 120, 240, 720, 1440, 0];

/** An interval in words: "every 2 hours", "once a day", "no regular report". */
export function everyWords(minutes: number | null): string {
  if (minutes === null || minutes <= 0) return 'no regular report';
  if (minutes === 1440) return 'once a day';
  if (minutes % 1440 === 0) return `every ${minutes / 1440} days`;
  if (minutes === 60) return 'every hour';
  if (minutes % 60 === 0) return `every ${minutes / 60} hours`;
  return `every ${minutes} minutes`;
}

/** Where a jurisdiction's interval comes from, for the person who may change it. */
export const SOURCE_WORDS = {
  jurisdiction: 'set for this jurisdiction',
  state: 'as the state set it',
  election: 'as the election says',
  rampart: 'Rampart’s default',
} as const;

/** The choices of one select: the presets, plus the current value when it is not one of them (set over the API). */
export function choicesWith(current: number | null): number[] {
  return current === null || INTERVAL_CHOICES.includes(current) ? [...INTERVAL_CHOICES] : [...INTERVAL_CHOICES, current].sort((a, b) => (a === 0 ? 1 : b === 0 ? -1 : a - b));
}
