import pino from 'pino';
import { startGateway, type GatewayOptions } from '../../src/gateway';
import { ready } from './child';

/** The gateway alone in this process, in front of upstreams given by URL. */
async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as GatewayOptions;
  const gateway = await startGateway({ ...options, logger: pino({ level: 'silent' }) });
  ready({ graphqlUrl: gateway.graphqlUrl }, gateway.stop);
}

void main();
