import { Command } from 'commander';
import { GatewayClient } from '../gateway-client';
import { gatewayUrl, gdcHeaders } from '../gdc/command';
import { jobCancel, jobStatus } from './status';
import { jobWatch } from './watch';

/**
 * The credentials a job's owner is known by (src/jobs/owner.ts): the same a job was started with —
 * the ENCODE keys (DCC_API_KEY and DCC_SECRET_KEY), the GDC token (-t or GDC_TOKEN) and GATEWAY_API_KEY.
 */
export function jobHeaders(tokenFile: string | undefined, env: NodeJS.ProcessEnv): Record<string, string> {
  const out = gdcHeaders(tokenFile, env);
  if (env.DCC_API_KEY && env.DCC_SECRET_KEY) Object.assign(out, { 'x-dcc-api-key': env.DCC_API_KEY, 'x-dcc-secret-key': env.DCC_SECRET_KEY });
  return out;
}

/** `submission-gateway job …`: a running gateway's background jobs (startCreateEntities and the like). */
export function jobCommand(version: string): Command {
  const job = new Command('job')
    .description(
      "A running gateway's jobs (started with startCreateEntities, startPatchRecords, startUploadFile); only their owner's credentials see them. " +
        'Exit codes: 0 SUCCEEDED, 1 FAILED or CANCELLED, 2 unknown job or usage, 3 (status) not finished yet',
    )
    .version(version)
    .exitOverride();
  const connected = (name: string, description: string) =>
    job
      .command(name)
      .version(version)
      .description(description)
      .argument('<id>', 'the job id (Job.id)')
      .option('-t, --token-file <file>', "a file holding your GDC token (default: GDC_TOKEN); ENCODE keys come from DCC_API_KEY and DCC_SECRET_KEY")
      .option('--gateway <url>', "a running gateway's GraphQL endpoint (default: GATEWAY_URL)");
  const setup = (flags: Record<string, unknown>) => {
    const url = gatewayUrl(flags.gateway, process.env);
    const headers = jobHeaders(flags.tokenFile as string | undefined, process.env);
    return { url, headers, client: new GatewayClient(url, headers) };
  };
  connected('status', "print the job's state, progress and error").action(async (id: string, flags: Record<string, unknown>) => {
    process.exitCode = await jobStatus(setup(flags).client, id, process.stdout);
  });
  connected('watch', 'follow the job (a progress bar on a terminal, else a line per change) until it ends; then print its final state').action(
    async (id: string, flags: Record<string, unknown>) => {
      const { url, headers } = setup(flags);
      process.exitCode = await jobWatch({ url, headers, id, out: process.stdout, err: process.stderr });
    },
  );
  connected('cancel', 'stop the job between two transactions (GDC) or slices (ENCODE); print what it had done. Exit 0 once CANCELLED, 1 if it had already ended').action(
    async (id: string, flags: Record<string, unknown>) => {
      process.exitCode = await jobCancel(setup(flags).client, id, process.stdout);
    },
  );
  return job;
}
