/**
 * Large GDC documents: a 200 MB TSV and a 200 MB JSON `file` through a gateway process to a GDC
 * endpoint, against the same bytes sent straight to it (curl --data-binary, a thin proxy's best
 * case) and against the idle gateway's latency, both measured in the same run. The measurement
 * itself is test/support/gdc-streaming.ts (test/measure/ asserts the same figures).
 */
import { measureStreaming } from '../test/support/gdc-streaming';

export async function runGdcStreaming(): Promise<void> {
  for (const format of ['tsv', 'json'] as const) {
    const f = await measureStreaming({ format });
    console.log(
      `GDC ${format.toUpperCase()} document of ${(f.bytes / 1e6).toFixed(0)} MB (${f.entities} entities) through the gateway: ` +
        `${f.success ? 'created' : 'FAILED'} ${f.created}; peak RSS ${f.peakRssMb.toFixed(0)} MB (idle ${f.idleRssMb.toFixed(0)} MB); ` +
        `other callers: p99 ${f.p99ProbeMs.toFixed(1)} ms (idle gateway ${f.idleP99ProbeMs.toFixed(1)} ms, an idle server meanwhile ${f.controlP99ProbeMs.toFixed(1)} ms), max ${f.maxProbeMs.toFixed(1)} ms over ${f.probes} requests ` +
        `(max while receiving / sending / reading GDC's answer: ${(['spool', 'send', 'answer'] as const).map((k) => f.byPhase[k].maxMs.toFixed(0)).join(' / ')} ms) ` +
        `(event-loop delay max ${f.eventLoopMaxMs.toFixed(1)} ms, p99 ${f.eventLoopP99Ms.toFixed(1)} ms); ` +
        `${f.gatewaySeconds.toFixed(1)} s (gateway CPU ${f.gatewayCpuSeconds.toFixed(1)} s) vs ${f.directSeconds.toFixed(1)} s sent directly (${(f.gatewaySeconds / f.directSeconds).toFixed(2)}x)`,
    );
  }
}
