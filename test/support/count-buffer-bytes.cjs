// Preloaded into a server process by tests (NODE_OPTIONS=--require): counts the bytes of the
// Buffers the process makes through Buffer's own factories (small ones are slices of Node's
// Buffer pool, whose slabs V8 counts as external memory), and apart from them the bytes of text
// encoded into new Buffers; on SIGUSR2 it prints both as a log line.
const counted = ['from', 'alloc', 'allocUnsafe', 'allocUnsafeSlow'];
let bytes = 0;
let textBytes = 0;
for (const name of counted) {
  const make = Buffer[name];
  Buffer[name] = function (...args) {
    const buffer = make.apply(this, args);
    bytes += buffer.length;
    if (name === 'from' && typeof args[0] === 'string') textBytes += buffer.length;
    return buffer;
  };
}
let asked = 0;
process.on('SIGUSR2', () => {
  process.stdout.write(`${JSON.stringify({ msg: 'buffer bytes', bytes, textBytes, asked: ++asked })}\n`);
});
