#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { GatewayError } from './gateway-client';
import { UsageError } from './errors';
import { register, type RegisterOptions } from './register/run';
import { gdcCommand } from './gdc/command';
import { jobCommand } from './job/command';
import { packageVersion } from '../version';

// Read at run time, not imported: importing package.json made tsc emit a copy into dist/, and the
// package root (src/paths.ts) was then found there, without schema/ or the sandbox's starter data.
const version = packageVersion();

/** Exit codes: 0 every record succeeded, 1 some record failed, 2 nothing was done (usage, connection). */
const EXIT_USAGE = 2;

export function program(run: (options: RegisterOptions) => Promise<number>): Command {
  const cli = new Command('submission-gateway').description('Command-line clients of submission-gateway').version(version).exitOverride();
  cli
    .command('register')
    .version(version)
    .description(
      "Register (POST) or patch ENCODE records from a TSV or JSON file, as encode_utils' eu_register.py does, through the gateway's GraphQL API; " +
        'local files named in submitted_file_name are measured (md5sum, file_size) and uploaded after their records are created',
    )
    .option('-m, --dcc-mode <mode>', 'ENCODE portal: prod, dev, or a host name or URL (default: DCC_MODE; neither = the embedded sandbox)')
    .option('-d, --dry-run', 'check every record and write nothing', false)
    .option('--no-aliases', 'allow records without aliases in profiles that have them (not advised: re-running creates duplicates)')
    .option('--no-upload-file', "don't upload the files of file records")
    .option('-p, --profile_id <profile>', 'the profile to POST to, e.g. biosample (the TSV is cast with its types)')
    .requiredOption('-i, --infile <file>', 'the TSV (header of property names) or JSON (an object or an array) input file')
    .option('-w, --overwrite-array-values', 'with --patch/--rm-patch: replace array values instead of extending them', false)
    .option('-r, --remove-property <names>', 'with --rm-patch: comma-separated properties to remove before the patch')
    .addOption(new Option('--patch', 'PATCH existing records named by record_id instead of POSTing').conflicts('rmPatch'))
    .addOption(new Option('--rm-patch', 'remove the -r properties from existing records, then patch them (the record is PUT back)'))
    .option('--gateway <url>', "a running gateway's GraphQL endpoint (default: start one in this process)")
    .option('--parallel <n>', 'files uploaded at once', '4')
    .option('--detach', 'with --gateway: start the job, print its id and exit (files are not uploaded: that needs the attached run)', false)
    .option('--report <file>', 'write one line per record (row, alias, accession, action, errors, upload): JSON, or TSV for .tsv/.txt')
    .action(async (flags: Record<string, unknown>, command: Command) => {
      const options = toOptions(flags, (message) => command.error(message, { exitCode: EXIT_USAGE, code: 'submission-gateway.usage' }));
      process.exitCode = await run(options);
    });
  cli.addCommand(gdcCommand(version, EXIT_USAGE));
  cli.addCommand(jobCommand(version));
  return cli;
}

export function toOptions(flags: Record<string, unknown>, fail: (message: string) => never): RegisterOptions {
  const action = flags.rmPatch ? 'rm-patch' : flags.patch ? 'patch' : 'post';
  const removeProperties = String(flags.removeProperty ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const profile = typeof flags.profile_id === 'string' ? flags.profile_id.trim() : null;
  if (action === 'post' && !profile) fail('error: -p/--profile_id is required to register records (e.g. -p biosample)');
  if (action === 'rm-patch' && !removeProperties.length) fail('error: --rm-patch needs -r/--remove-property with the properties to remove');
  if (action !== 'rm-patch' && removeProperties.length) fail('error: -r/--remove-property only applies with --rm-patch');
  const parallel = Number(flags.parallel ?? 4);
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 64) fail(`error: --parallel must be a whole number from 1 to 64, got ${String(flags.parallel)}`);
  if (action === 'post' && flags.overwriteArrayValues) fail('error: -w/--overwrite-array-values only applies with --patch or --rm-patch');
  return {
    profile,
    infile: String(flags.infile),
    dryRun: flags.dryRun === true,
    aliases: flags.aliases !== false,
    uploadFile: flags.uploadFile !== false,
    action,
    overwriteArrays: flags.overwriteArrayValues === true,
    removeProperties,
    gateway: typeof flags.gateway === 'string' ? flags.gateway : undefined,
    dccMode: typeof flags.dccMode === 'string' ? flags.dccMode : undefined,
    report: typeof flags.report === 'string' ? flags.report : undefined,
    parallel,
    detach: flags.detach === true,
  };
}

async function main(argv: string[]): Promise<void> {
  const io = { out: process.stdout, err: process.stderr, env: process.env };
  try {
    await program((options) => register(options, io)).parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    const known = err instanceof UsageError || err instanceof GatewayError || (err as NodeJS.ErrnoException).code === 'ECONNREFUSED';
    process.stderr.write(`submission-gateway: ${known ? (err as Error).message : (err as Error).stack}\n`);
    process.exitCode = EXIT_USAGE;
  }
}

if (require.main === module) {
  // Ctrl-C: stop at once; the in-process gateway and sandbox go with the process.
  process.once('SIGINT', () => process.exit(130));
  void main(process.argv);
}
