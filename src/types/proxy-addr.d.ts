// proxy-addr (express's own rule for 'trust proxy') ships no types; what src/http/client-address.ts uses.
declare module 'proxy-addr' {
  import type { IncomingMessage } from 'node:http';
  type Trust = (address: string, hop: number) => boolean;
  function proxyaddr(req: IncomingMessage, trust: Trust | string | string[]): string;
  namespace proxyaddr {
    /** Throws a TypeError naming the first value that is not an address, CIDR or preset name. */
    function compile(value: string | string[]): Trust;
  }
  export = proxyaddr;
}
