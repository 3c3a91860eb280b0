// Preloaded into a server process by tests (NODE_OPTIONS=--require): on SIGUSR2 it prints, as a
// log line, how many DataLoaders are alive after a full collection (v8.queryObjects collects
// first) and how many were made since the process started (the app gets a subclass that counts).
const v8 = require('node:v8');
const modulePath = require.resolve('dataloader', { paths: [process.cwd()] });
const DataLoader = require(modulePath);
let made = 0;
class CountedDataLoader extends DataLoader {
  constructor(...args) {
    super(...args);
    made++;
  }
}
require.cache[modulePath].exports = CountedDataLoader;
let asked = 0;
process.on('SIGUSR2', () => {
  process.stdout.write(`${JSON.stringify({ msg: 'live DataLoaders', count: v8.queryObjects(CountedDataLoader, { format: 'count' }), made, asked: ++asked })}\n`);
});
