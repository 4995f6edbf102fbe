/** Colour steps for "open incidents in this state": none, then five steps from pale amber to deep red. */
export const MAP_COLOURS = ['#e9edf2', '#fde6b8', '#fbc077', '#f28f4b', '#d9532b', '#a3201c'] as const;

/** Upper bounds of each non-zero step for a given maximum: equal steps, at least 1 apart. */
export function mapSteps(max: number): number[] {
  if (max <= 5) return [1, 2, 3, 4, 5].filter((n) => n <= Math.max(max, 1));
  const step = max / 5;
  return [1, 2, 3, 4, 5].map((i) => Math.ceil(step * i));
}

/** The colour for `n` incidents when the busiest place has `max`. */
export function mapColour(n: number, max: number): string {
  if (n <= 0) return MAP_COLOURS[0];
  const steps = mapSteps(max);
  const index = steps.findIndex((upper) => n <= upper);
  return MAP_COLOURS[Math.min(index < 0 ? steps.length : index + 1, MAP_COLOURS.length - 1)] ?? MAP_COLOURS[5];
}

/** Legend rows: colour and the range it stands for. */
export function mapLegend(max: number): { readonly colour: string; readonly label: string }[] {
  const rows = [{ colour: MAP_COLOURS[0] as string, label: 'none' }];
  let lower = 1;
  mapSteps(max).forEach((upper, i) => {
    rows.push({ colour: MAP_COLOURS[i + 1] ?? MAP_COLOURS[5], label: lower === upper ? String(upper) : `${lower}–${upper}` });
    lower = upper + 1;
  });
  return rows;
}
