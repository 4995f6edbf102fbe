import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'node:https';
import { TLSSocket, type SecureVersion } from 'node:tls';

/** A throwaway self-signed certificate for 127.0.0.1, made by openssl at test time; never committed. */
export function selfSignedCert(): { cert: string; key: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'rampart-tls-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface TlsAnswer {
  readonly status: number;
  readonly protocol: string | null;
  readonly body: string;
}

/** GET over HTTPS trusting `ca`, with the TLS versions and ciphers given; rejects when the handshake fails. */
export function httpsGet(url: string, ca: string, headers: Record<string, string>, tls: { minVersion?: SecureVersion; maxVersion?: SecureVersion; ciphers?: string } = {}): Promise<TlsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers, agent: false, ...tls }, (res) => {
      const chunks: Buffer[] = [];
      const protocol = res.socket instanceof TLSSocket ? res.socket.getProtocol() : null;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, protocol, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}
