// Keep-alive agents for the servers we call (Daraja, merchants' webhook receivers) that retire an
// idle connection before the server does. A request written on a connection the server is closing
// at that moment is reset; for an STK Push that is an unknown outcome (the merchant gets a 202,
// the payment waits for its callback), for B2C one the recovery must resolve. Node retires an idle
// socket a second before the server's `Keep-Alive: timeout=N` hint, but only when the agent has a
// timeout of its own to lower (http.Agent keepSocketAlive): without one, idle sockets were kept for
// good and met the server's close now and then (a 202 in the bench's 7,000-initiate phase).
import http from 'node:http';
import https from 'node:https';

/** How long an idle connection is kept when the server gives no hint (the hint wins when shorter). */
export const IDLE_CONNECTION_MS = 30_000;

export function keepAliveAgents(options: { maxSockets?: number } = {}) {
  const settings = { keepAlive: true, timeout: IDLE_CONNECTION_MS, ...options };
  return { http: new http.Agent(settings), https: new https.Agent(settings) };
}
