// Preloaded into the gateway by the load benchmark only (node --expose-gc --require): SIGUSR2 runs a
// full garbage collection, so memory is measured as what the gateway keeps, not as garbage V8 has
// not yet had a reason to collect.
process.on('SIGUSR2', () => globalThis.gc());
