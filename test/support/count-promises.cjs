// Preloaded into a server process by tests (NODE_OPTIONS=--require): counts the promises the
// process creates (an async hook, so only for tests), and on SIGUSR2 prints the total as a log line.
const asyncHooks = require('node:async_hooks');
let promises = 0;
asyncHooks
  .createHook({
    init(_id, type) {
      if (type === 'PROMISE') promises++;
    },
  })
  .enable();
let asked = 0;
process.on('SIGUSR2', () => {
  process.stdout.write(`${JSON.stringify({ msg: 'promises made', promises, asked: ++asked })}\n`);
});
