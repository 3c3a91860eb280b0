// Preloaded into a server process by tests (NODE_OPTIONS=--require): on SIGUSR2 it prints, as a
// log line, how many DataLoaders are alive after a full collection (v8.queryObjects collects first).
const v8 = require('node:v8');
let asked = 0;
process.on('SIGUSR2', () => {
  const DataLoader = require(require.resolve('dataloader', { paths: [process.cwd()] }));
  process.stdout.write(`${JSON.stringify({ msg: 'live DataLoaders', count: v8.queryObjects(DataLoader, { format: 'count' }), asked: ++asked })}\n`);
});
