import { useMemo } from 'react';
import { qrPath } from '../qr.ts';

/** The setup link as a QR code for an authenticator app's camera; the text secret stays beside it for typing. */
export function TotpQrCode(props: { readonly uri: string }) {
  const qr = useMemo(() => qrPath(props.uri), [props.uri]);
  return (
    <figure className="totp-qr">
      <svg
        viewBox={`0 0 ${qr.size} ${qr.size}`}
        width={qr.size * 5}
        height={qr.size * 5}
        role="img"
        aria-label="QR code of the authenticator setup link: scan it with your authenticator app"
        data-testid="totp-qr"
        shapeRendering="crispEdges"
      >
        <rect width={qr.size} height={qr.size} fill="#fff" />
        <path d={qr.d} fill="#000" />
      </svg>
      <figcaption className="muted small">Scan this with your authenticator app, or type the secret below.</figcaption>
    </figure>
  );
}
