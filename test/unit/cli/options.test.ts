import { type Command, CommanderError } from 'commander';
import { modeUrl } from '../../../src/cli/connect';
import { program } from '../../../src/cli/main';
import type { RegisterOptions } from '../../../src/cli/register/run';

/** Parses a command line as the CLI does; the options `register` would run with, or the error. */
async function parse(args: string): Promise<RegisterOptions | { error: string; exitCode: number }> {
  let got: RegisterOptions | undefined;
  const cli: Command = program(async (o) => ((got = o), 0));
  let stderr = '';
  cli.configureOutput({ writeErr: (s) => (stderr += s), writeOut: () => undefined });
  for (const c of cli.commands) c.exitOverride().configureOutput({ writeErr: (s) => (stderr += s), writeOut: () => undefined });
  try {
    await cli.parseAsync(['node', 'submission-gateway', 'register', ...args.split(' ').filter(Boolean)]);
  } catch (err) {
    if (err instanceof CommanderError) return { error: stderr.trim() || err.message, exitCode: err.exitCode };
    throw err;
  }
  return got!;
}

describe("register's command line: eu_register's flags", () => {
  it('takes the short and long forms with their defaults', async () => {
    expect(await parse('-p biosample -i in.tsv')).toEqual({
      profile: 'biosample',
      infile: 'in.tsv',
      dryRun: false,
      aliases: true,
      uploadFile: true,
      action: 'post',
      overwriteArrays: false,
      removeProperties: [],
      gateway: undefined,
      dccMode: undefined,
      report: undefined,
      parallel: 4,
      detach: false,
    });
    expect(
      await parse('--profile_id file --infile f.json --dry-run --no-aliases --no-upload-file --dcc-mode dev --gateway http://gw:4000/graphql --report r.tsv'),
    ).toMatchObject({ profile: 'file', infile: 'f.json', dryRun: true, aliases: false, uploadFile: false, dccMode: 'dev', gateway: 'http://gw:4000/graphql', report: 'r.tsv' });
    expect(await parse('-p file -i f.tsv --parallel 8 --detach')).toMatchObject({ parallel: 8, detach: true });
  });

  it('patches with --patch (-w replaces arrays) and removes properties with --rm-patch -r', async () => {
    expect(await parse('-p biosample -i p.tsv --patch -w')).toMatchObject({ action: 'patch', overwriteArrays: true, removeProperties: [] });
    expect(await parse('-i p.tsv --rm-patch -r description,,notes,')).toMatchObject({ action: 'rm-patch', removeProperties: ['description', 'notes'] });
    expect(await parse('-i p.tsv --rm-patch --remove-property=description,notes')).toMatchObject({ action: 'rm-patch', removeProperties: ['description', 'notes'] });
  });

  it('refuses what cannot mean anything, with exit code 2', async () => {
    expect(await parse('-i in.tsv')).toEqual({ error: 'error: -p/--profile_id is required to register records (e.g. -p biosample)', exitCode: 2 });
    expect(await parse('-p biosample')).toMatchObject({ error: expect.stringContaining("required option '-i, --infile <file>' not specified"), exitCode: 1 });
    expect(await parse('-i p.tsv --patch --rm-patch -r x')).toMatchObject({ error: expect.stringContaining("'--patch' cannot be used with option '--rm-patch'") });
    expect(await parse('-i p.tsv --rm-patch')).toEqual({ error: 'error: --rm-patch needs -r/--remove-property with the properties to remove', exitCode: 2 });
    expect(await parse('-i p.tsv --patch -r notes')).toEqual({ error: 'error: -r/--remove-property only applies with --rm-patch', exitCode: 2 });
    for (const n of ['0', '2.5', 'four', '65']) {
      expect(await parse(`-p file -i f.tsv --parallel ${n}`)).toEqual({ error: `error: --parallel must be a whole number from 1 to 64, got ${n}`, exitCode: 2 });
    }
    expect(await parse('-p biosample -i in.tsv -w')).toEqual({ error: 'error: -w/--overwrite-array-values only applies with --patch or --rm-patch', exitCode: 2 });
  });
});

describe('-m: the portal of an eu_register mode', () => {
  it('knows prod and dev, and takes a host or URL', () => {
    expect(modeUrl('prod')).toBe('https://www.encodeproject.org');
    expect(modeUrl('DEV')).toBe('https://test.encodedcc.org');
    expect(modeUrl('my-portal.example.org')).toBe('https://my-portal.example.org');
    expect(modeUrl('http://127.0.0.1:8001/')).toBe('http://127.0.0.1:8001');
  });
});
