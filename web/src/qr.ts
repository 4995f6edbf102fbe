import { create } from 'qrcode';

/** A QR code as one SVG path of unit squares, inside a quiet zone of `margin` modules. */
export interface QrPath {
  /** Width and height in modules, quiet zone included. */
  readonly size: number;
  readonly d: string;
}

/**
 * Encodes `text` (an otpauth:// URI) with error correction M, drawn as React-rendered SVG rather than
 * injected markup or an image URL.
 */
export function qrPath(text: string, margin = 4): QrPath {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const parts: string[] = [];
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (modules.get(row, col) === 1) parts.push(`M${col + margin} ${row + margin}h1v1h-1z`);
    }
  }
  return { size: modules.size + 2 * margin, d: parts.join('') };
}
