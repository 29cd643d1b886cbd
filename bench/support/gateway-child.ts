import pino from 'pino';
import { startGateway, type GatewayOptions } from '../../src/gateway';
import { loadTrustedDocuments } from '../../src/plugins/trusted-documents';
import { ready } from './child';

/** The gateway alone in this process, in front of upstreams given by URL. */
async function main(): Promise<void> {
  // A manifest travels as its file name (TRUSTED_DOCUMENTS), as the gateway's configuration takes it.
  const { trustedDocumentsFile, ...options } = JSON.parse(process.argv[2] ?? '{}') as GatewayOptions & { trustedDocumentsFile?: string };
  const trustedDocuments = trustedDocumentsFile ? loadTrustedDocuments(trustedDocumentsFile) : null;
  const gateway = await startGateway({ ...options, trustedDocuments, logger: pino({ level: 'silent' }) });
  ready({ graphqlUrl: gateway.graphqlUrl }, gateway.stop);
}

void main();
