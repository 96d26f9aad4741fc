// The baseline: the least an Express 5 JSON endpoint can do (parse, echo). Its own process,
// like our server, so both are measured under the same conditions.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { ChildMessage } from './protocol';

const app = express();
app.use(express.json());
app.use((req, res) => {
  res.json(req.body);
});

const server = http.createServer(app);
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  const ready: ChildMessage = { type: 'ready', url: `http://127.0.0.1:${port}` };
  process.send?.(ready);
});
process.on('disconnect', () => process.exit(0));
process.on('message', () => process.exit(0));
