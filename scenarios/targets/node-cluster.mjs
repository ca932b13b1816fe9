// Node.js cluster (the walkthrough's program) as a forkcheck target: node node-cluster.mjs PORT [WORKERS]
// The primary forks one worker per CPU (or
// the count given), every worker serves one port, and a dead worker is replaced by
// cluster.on('exit', () => cluster.fork()). Additions to the walkthrough's program: port and worker count from argv,
// loopback only, and an X-Worker-Pid header so forkcheck can tell which worker answered.
//
//   node node-cluster.mjs PORT [WORKERS]
import cluster from 'node:cluster';
import http from 'node:http';
import os from 'node:os';
import process from 'node:process';

const port = Number(process.argv[2] ?? 8000);
const workers = Number(process.argv[3] ?? os.cpus().length);

if (cluster.isPrimary) {
  console.log(`Primary ${process.pid} is running`);
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    console.log(`Worker ${worker.process.pid} died (${signal || code}); forking a new one`);
    cluster.fork();
  });
} else {
  // Node's round-robin workers never hold the listening socket (the primary accepts and hands each
  // connection on), so the kernel shows no worker until a connection reaches it: the title names
  // them, for forkcheck's --workers-match '^node-cluster worker' (as uWSGI's --auto-procname).
  process.title = 'node-cluster worker';
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Worker-Pid': String(process.pid) });
    res.end('Hello from worker');
  });
  server.listen(port, '127.0.0.1', () => {
    console.log(`Worker ${process.pid} started on 127.0.0.1:${server.address().port}`);
  });
}
