// Preloaded into the gateway by the load benchmark only (node --expose-gc --require): SIGUSR2 runs a
// full garbage collection, so memory is measured as what the gateway keeps, not as garbage V8 has
// not yet had a reason to collect. With GATEWAY_HEAP_AFTER_GC=1 the heap in use after it is written
// to <tmpdir>/gateway-heap-after-gc.<pid>.json: RSS keeps pages V8 has not given back, the heap says
// what the gateway still holds.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

process.on('SIGUSR2', () => {
  globalThis.gc();
  if (process.env.GATEWAY_HEAP_AFTER_GC !== '1') return;
  const file = path.join(os.tmpdir(), `gateway-heap-after-gc.${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify({ heapUsed: process.memoryUsage().heapUsed, at: Date.now() }));
});
