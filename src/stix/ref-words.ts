/**
 * How a STIX property that points elsewhere reads in a sentence: `sighting_of_ref` → "sighting of",
 * `object_refs` → "refers to". One copy for the server's graph labels and the web's connections card.
 */
export function viaWords(property: string): string {
  switch (property) {
    case 'object_refs':
      return 'refers to';
    case 'sighting_of_ref':
      return 'sighting of';
    case 'where_sighted_refs':
      return 'sighted at';
    case 'observed_data_refs':
      return 'observed';
    case 'source_ref':
      return 'from';
    case 'target_ref':
      return 'to';
    default:
      return property.replace(/_refs?$/, '').replace(/_/g, ' ');
  }
}
