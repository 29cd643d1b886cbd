/**
 * ENCODE validation of one record with N unexpected properties (issue 18): ajv with allErrors
 * reports one error per key, reworded as jsonschema does in one error. Prints the time per key at
 * 10k, 40k and 160k keys: linear validation keeps it flat (the first rewording was quadratic:
 * 40,000 keys blocked the event loop 7.3 s).
 */
import { RecordValidator, type WriteContext } from '../src/rules/encode/validation';
import { ProfileRegistry } from '../src/sandbox/encode/profiles';
import { dataPath } from '../src/sandbox/shared/paths';
import { medianMs } from './support/timing';

const SIZES = [10_000, 40_000, 160_000];

export async function runValidation(): Promise<void> {
  const biosample = new ProfileRegistry(dataPath('encode', 'profiles')).get('biosample')!.schema;
  const validator = new RecordValidator();
  const ctx: WriteContext = { method: 'POST', links: { resolve: () => null }, admin: false, submitsFor: [] };
  console.log('\nvalidation: one ENCODE biosample with N unexpected properties (ajv + jsonschema wording)');
  let first = 0;
  for (const n of SIZES) {
    const record: Record<string, unknown> = { award: 'ENCODE4', lab: 'barbara-wold' };
    for (let i = 0; i < n; i++) record[`unexpected_${i}`] = i;
    let errors = 0;
    const ms = await medianMs(3, async () => {
      errors = validator.validate(biosample, record, ctx).length;
    });
    const perKeyUs = (ms * 1000) / n;
    if (!first) first = perKeyUs;
    console.log(`${String(n).padStart(7)} keys  ${ms.toFixed(0).padStart(6)} ms  ${perKeyUs.toFixed(2).padStart(6)} µs/key  (×${(perKeyUs / first).toFixed(2)} of 10k)  ${errors} errors`);
  }
}
