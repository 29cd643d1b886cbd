import pino from 'pino';
import type { GatewayOptions } from '../../src/gateway';
import { built } from './built';
import { ready } from './child';

/** The gateway alone in this process, in front of upstreams given by URL: the build's code (./built.ts). */
async function main(): Promise<void> {
  const { startGateway } = built<typeof import('../../src/gateway')>('src/gateway');
  const { loadTrustedDocuments } = built<typeof import('../../src/plugins/trusted-documents')>('src/plugins/trusted-documents');
  // A manifest travels as its file name (TRUSTED_DOCUMENTS), as the gateway's configuration takes it.
  const { trustedDocumentsFile, ...options } = JSON.parse(process.argv[2] ?? '{}') as GatewayOptions & { trustedDocumentsFile?: string };
  const trustedDocuments = trustedDocumentsFile ? loadTrustedDocuments(trustedDocumentsFile) : null;
  const gateway = await startGateway({ ...options, trustedDocuments, logger: pino({ level: 'silent' }) });
  ready({ graphqlUrl: gateway.graphqlUrl }, gateway.stop);
}

void main();
