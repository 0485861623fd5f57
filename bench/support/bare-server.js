// A bare Node HTTP server answering exactly what the feed endpoint answers (the benchmarks'
// yardstick), in a process of its own: `node bare-server.js <spec.json>`, where the spec names
// the body file, the ETag that gets a 304 and the headers of both answers. Prints the port.
const { createServer } = require('node:http');
const { readFileSync } = require('node:fs');

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const body = readFileSync(spec.bodyFile);
const server = createServer((req, res) => {
  if (req.headers['if-none-match'] === spec.etag) {
    res.writeHead(304, spec.headers304);
    res.end();
  } else {
    res.writeHead(200, spec.headers200);
    res.end(body);
  }
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
// The benchmark asks for this process's CPU time (IPC; nothing on the request path).
process.on('message', (message) => {
  if (message === 'cpu') process.send(process.cpuUsage());
});
