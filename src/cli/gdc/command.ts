import fs from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../errors';
import { GatewayClient } from '../gateway-client';
import { lineObserver, submit } from './submit';
import { uploadFiles, uploadLog } from './upload';
import { progressFor } from '../progress';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

/** The GDC token: -t FILE (as gdc-client), else GDC_TOKEN; sent as X-Auth-Token to the gateway. */
export function gdcHeaders(tokenFile: string | undefined, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  let token = env.GDC_TOKEN?.trim();
  if (tokenFile) {
    try {
      token = fs.readFileSync(tokenFile, 'utf8').trim();
    } catch (err) {
      throw new UsageError(`-t ${tokenFile} cannot be read: ${(err as Error).message}`);
    }
  }
  if (token) out['x-auth-token'] = token;
  if (env.GATEWAY_API_KEY) out.authorization = `Bearer ${env.GATEWAY_API_KEY}`;
  return out;
}

/** The gateway to talk to: --gateway, else GATEWAY_URL. */
export function gatewayUrl(flag: unknown, env: NodeJS.ProcessEnv): string {
  const url = typeof flag === 'string' ? flag : env.GATEWAY_URL?.trim();
  if (!url) throw new UsageError('give --gateway URL (or GATEWAY_URL): the GraphQL endpoint of a running gateway, e.g. http://127.0.0.1:4000/graphql');
  return url;
}

/** `submission-gateway gdc …`: GDC submission through a running gateway. */
export function gdcCommand(version: string, exitUsage: number): Command {
  const gdc = new Command('gdc').description('GDC submission through a running gateway (its GraphQL API)').version(version).exitOverride();
  gdc
    .command('submit')
    .version(version)
    .description('Submit GDC entities from JSON, TSV or CSV files to a project, one transaction per file (or per chunk); one line per entity and a summary per file')
    .requiredOption('-p, --project <PROGRAM-PROJECT>', 'the project, e.g. GDC-INTERNAL')
    .argument('<file...>', 'JSON (an object or an array), TSV or CSV documents, as GDC takes them')
    .option('--dry-run', 'validate only: GDC writes nothing (the transaction can be committed with --commit)', false)
    .option('--commit', 'with --dry-run: commit the dry-run transaction(s) when every entity is valid', false)
    .option('--upsert', 'PUT (create or update) instead of POST (create only)', false)
    .option('--chunk-size <n>', 'split each file into transactions of at most n entities, parents first, each committed on its own (not with --dry-run)', positiveInt)
    .option('-t, --token-file <file>', 'a file holding your GDC token (default: GDC_TOKEN, else the gateway\'s own)')
    .option('--gateway <url>', "a running gateway's GraphQL endpoint (default: GATEWAY_URL)")
    .action(async (files: string[], flags: Record<string, unknown>, command: Command) => {
      if (flags.commit && !flags.dryRun) command.error('error: --commit commits a dry run: give it with --dry-run (without --dry-run the entities are written at once)', { exitCode: exitUsage, code: 'submission-gateway.usage' });
      // The gateway refuses it too (a chunk links to entities a dry run never writes): say so before sending.
      if (flags.chunkSize && flags.dryRun) command.error('error: --chunk-size cannot be combined with --dry-run: a chunk links to entities that earlier chunks create, which a dry run never writes', { exitCode: exitUsage, code: 'submission-gateway.usage' });
      const env = process.env;
      const client = new GatewayClient(gatewayUrl(flags.gateway, env), gdcHeaders(flags.tokenFile as string | undefined, env));
      process.exitCode = await submit(
        client,
        { project: String(flags.project), files, dryRun: flags.dryRun === true, commit: flags.commit === true, upsert: flags.upsert === true, chunkSize: flags.chunkSize as number | undefined },
        lineObserver(process.stdout),
      );
    });
  gdc
    .command('upload')
    .version(version)
    .description(
      "Upload data files' bytes to GDC as gdc-client does (manifest, token file, resume), through the gateway's uploadFile: " +
        'parts GDC already has from an interrupted upload are not sent again; one line per file',
    )
    .argument('[file_id...]', 'the data file entities (UUIDs) to upload, with -p (instead of -m)')
    .option('-m, --manifest <file>', 'the upload manifest (YAML, as the GDC /manifest endpoint and the gateway\'s gdcManifest write it)')
    .option('-p, --project-id <PROGRAM-PROJECT>', "the project of the files (default: each manifest entry's project_id)")
    .option('-f, --path <dir>', 'the directory holding the files named by file_name (default: local_file_path, else file_name here)')
    .option('-t, --token-file <file>', "a file holding your GDC token (default: GDC_TOKEN, else the gateway's own)")
    .option('-n, --n-processes <n>', 'files uploaded at once', positiveInt, 4)
    .option('-c, --upload-part-size <bytes>', "bytes per part of a multipart upload, from 5 MiB to the gateway's UPLOAD_PART_BYTES (default: UPLOAD_PART_BYTES)", positiveInt)
    .option('--part-size <bytes>', 'the same as --upload-part-size (its older name in gdc-client)', positiveInt)
    .addOption(new Option('--delete', 'delete the uploaded bytes of the files instead (the entities stay, file_state back to registered)').conflicts('abort'))
    .option('--abort', 'abort the unfinished multipart uploads of the files instead (GDC drops their parts; the next upload starts afresh)')
    .option('--log-file <file>', 'also append every line, with its time and level, to this file')
    .option('--gateway <url>', "a running gateway's GraphQL endpoint (default: GATEWAY_URL)")
    .action(async (ids: string[], flags: Record<string, unknown>, command: Command) => {
      const fail = (message: string) => command.error(message, { exitCode: exitUsage, code: 'submission-gateway.usage' });
      if (flags.manifest && ids.length) fail('error: give either -m manifest.yml or file ids, not both');
      if (!flags.manifest && !ids.length) fail('error: give -m manifest.yml (or file ids with -p PROGRAM-PROJECT)');
      const env = process.env;
      const client = new GatewayClient(gatewayUrl(flags.gateway, env), gdcHeaders(flags.tokenFile as string | undefined, env));
      process.exitCode = await uploadFiles(
        client,
        {
          manifest: flags.manifest as string | undefined,
          ids,
          project: flags.projectId as string | undefined,
          dir: flags.path as string | undefined,
          processes: flags.nProcesses as number,
          action: flags.delete ? 'delete' : flags.abort ? 'abort' : 'upload',
          partBytes: (flags.uploadPartSize ?? flags.partSize) as number | undefined,
        },
        uploadLog(process.stdout, flags.logFile as string | undefined),
        progressFor(process.stderr),
      );
    });
  return gdc;
}
