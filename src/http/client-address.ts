import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/** TRUST_PROXY, parsed (src/config.ts): how many proxies in front, or which addresses are ours. */
export type TrustProxy = { hops: number } | { addresses: string[] };

/** The address a request comes from, as rate limits and the access log name it. */
export type ClientAddress = (req: IncomingMessage) => string;

/**
 * THE rule for a request's client address (rate-limit keys, the access log; both execution paths
 * and WebSocket upgrades): the connection's peer, unless TRUST_PROXY says that peer is a proxy of
 * ours, then the nearest X-Forwarded-For entry added by a proxy not trusted — express's
 * 'trust proxy' semantics, by the same library (proxy-addr). Without TRUST_PROXY the header is
 * never read, so a forged one changes nothing.
 */
export function clientAddressRule(trust: TrustProxy | null): ClientAddress {
  const peer: ClientAddress = (req) => req.socket?.remoteAddress ?? 'unknown';
  if (!trust) return peer;
  const rule = 'hops' in trust ? (_address: string, hop: number) => hop < trust.hops : proxyaddr.compile(trust.addresses);
  return (req) => (req.socket?.remoteAddress ? proxyaddr(req, rule) : 'unknown');
}

/** Parses TRUST_PROXY's value: a hop count, or addresses/CIDRs/proxy-addr presets (loopback, uniquelocal…); throws why not. */
export function parseTrustProxy(value: string): TrustProxy | null {
  if (/^\d+$/.test(value)) return Number(value) === 0 ? null : { hops: Number(value) };
  const addresses = value.split(',').map((a) => a.trim()).filter(Boolean);
  proxyaddr.compile(addresses); // a TypeError names the bad entry
  return { addresses };
}
