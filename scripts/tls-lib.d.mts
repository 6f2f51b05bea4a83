// Types for tls-lib.mjs, so TypeScript tests can import it without allowJs. Keep in step with the JSDoc there.

/** PEM files made by {@link makeCertificates}, all in `dir`. */
export interface TlsFiles {
  dir: string
  /** The CA that signed the broker's and the client's certificates. */
  caPem: string
  /** The broker's key, certificate and the CA's, for Kafka's `ssl.keystore.type=PEM`. */
  brokerKeystore: string
  /** The broker's certificate alone (names 127.0.0.1 and localhost): also good for any other local TLS server. */
  brokerCertPem: string
  /** The broker's key, unencrypted PKCS#8. */
  brokerKeyPem: string
  /** The client's certificate (CN=kafkit-client), for mutual TLS. */
  clientCertPem: string
  /** The client's key, unencrypted PKCS#8. */
  clientKeyPem: string
  /** A CA that signed nothing here. */
  otherCaPem: string
  /** How long making them took. */
  ms: number
}

export function makeCertificates(
  dir: string,
  opts?: { validityDays?: number; hosts?: { dns: string[]; ip: string[] } },
): Promise<TlsFiles>
export function brokerSslProperties(
  files: TlsFiles,
  opts?: { listener?: string; clientAuth?: 'none' | 'requested' | 'required' },
): string[]
