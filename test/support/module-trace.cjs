// Preloaded into a child process by test/process/production-start.test.ts: at exit, writes every
// module file the process loaded (CommonJS cache and ESM loads) to MODULE_TRACE_FILE. Processes the
// gateway forks inherit the preload (execArgv) and the variable: each of them writes its own trace
// to MODULE_TRACE_FILE.<pid> beside it, so the gateway's own trace is never overwritten.
const fs = require('node:fs');
const Module = require('node:module');
const loaded = new Set();
const load = Module._load;
Module._load = function (request, parent, isMain) {
  try {
    loaded.add(Module._resolveFilename(request, parent, isMain));
  } catch {
    // unresolvable requests fail in load itself
  }
  return load.apply(this, arguments);
};
process.on('exit', () => {
  for (const key of Object.keys(require.cache)) loaded.add(key);
  const forked = typeof process.send === 'function';
  fs.writeFileSync(forked ? `${process.env.MODULE_TRACE_FILE}.${process.pid}` : process.env.MODULE_TRACE_FILE, [...loaded].join('\n'));
});
