// Initiate: the cold-cache OAuth burst, the pool of pending payments for the callback bench,
// and our overhead over the STK Push round trip itself.
import type http from 'node:http';
import { stkCredentials } from '../src/mpesa/mpesa.password';
import { callJson, createAgent, mapConcurrent, type HttpAnswer } from './http';
import {
  initiate,
  NO_CALLBACK_PHONE,
  BENCH_AMOUNT,
  pendingFrom,
  type PendingPayment,
  type ProjectKeys,
} from './merchant';
import { percentile } from './stats';

export interface DarajaCredentials {
  consumerKey: string;
  consumerSecret: string;
  shortcode: string;
  passkey: string;
}

/** `count` initiates all sent at once, each on its own connection. */
export async function burstInitiates(
  baseUrl: string,
  keys: ProjectKeys,
  count: number,
): Promise<PendingPayment[]> {
  const agent = createAgent();
  try {
    const answers = await Promise.all(
      Array.from({ length: count }, (_, i) => initiate(agent, baseUrl, keys, `BURST${i}`)),
    );
    return answers.map(pendingFrom);
  } finally {
    agent.destroy();
  }
}

export async function createPending(
  agent: http.Agent,
  baseUrl: string,
  keys: ProjectKeys,
  count: number,
  concurrency: number,
): Promise<PendingPayment[]> {
  const answers = await mapConcurrent(count, concurrency, (i) => initiate(agent, baseUrl, keys, `POOL${i}`));
  return answers.map(pendingFrom);
}

async function simulatorToken(
  agent: http.Agent,
  darajaUrl: string,
  credentials: DarajaCredentials,
): Promise<string> {
  const basic = Buffer.from(`${credentials.consumerKey}:${credentials.consumerSecret}`).toString('base64');
  const answer = await callJson(agent, {
    method: 'GET',
    url: `${darajaUrl}/oauth/v1/generate?grant_type=client_credentials`,
    headers: { authorization: `Basic ${basic}` },
  });
  const token = (answer.body as { access_token?: unknown } | undefined)?.access_token;
  if (answer.status !== 200 || typeof token !== 'string')
    throw new Error(`simulator OAuth failed: ${answer.status}`);
  return token;
}

/** The STK Push our Daraja client sends, straight to the simulator. */
function directStkPush(
  agent: http.Agent,
  darajaUrl: string,
  token: string,
  credentials: DarajaCredentials,
  callbackUrl: string,
): Promise<HttpAnswer> {
  const body = JSON.stringify({
    ...stkCredentials(credentials.shortcode, credentials.passkey),
    TransactionType: 'CustomerPayBillOnline',
    Amount: BENCH_AMOUNT,
    PartyA: NO_CALLBACK_PHONE,
    PartyB: credentials.shortcode,
    PhoneNumber: NO_CALLBACK_PHONE,
    CallBackURL: callbackUrl,
    AccountReference: 'DIRECT',
    TransactionDesc: 'Bench',
  });
  return callJson(agent, {
    method: 'POST',
    url: `${darajaUrl}/mpesa/stkpush/v1/processrequest`,
    headers: { authorization: `Bearer ${token}` },
    body,
  });
}

export interface OverheadResult {
  rounds: number;
  initiate: { p50Ms: number; p99Ms: number };
  stkPush: { p50Ms: number; p99Ms: number };
  overhead: { p50Ms: number; p99Ms: number };
}

/**
 * Sequential, one request at a time, alternating a direct STK Push and an initiate, so both
 * see the same server state (database size, GC, CPU frequency) throughout.
 */
export async function benchInitiateOverhead(opts: {
  serverUrl: string;
  darajaUrl: string;
  keys: ProjectKeys;
  credentials: DarajaCredentials;
  warmupRounds: number;
  rounds: number;
}): Promise<OverheadResult> {
  const agent = createAgent(1);
  try {
    const token = await simulatorToken(agent, opts.darajaUrl, opts.credentials);
    // Under the service's own callback routes, the only place the simulator posts to (the phone
    // is one it never calls back for, so nothing is posted).
    const callbackUrl = `${opts.serverUrl}/api/v1/callbacks/stk/txn_benchdirect/direct`;
    const direct: number[] = [];
    const ours: number[] = [];
    for (let i = 0; i < opts.warmupRounds + opts.rounds; i += 1) {
      const push = await directStkPush(agent, opts.darajaUrl, token, opts.credentials, callbackUrl);
      if (push.status !== 200)
        throw new Error(`direct STK Push failed: ${push.status} ${JSON.stringify(push.body)}`);
      const initiated = await initiate(agent, opts.serverUrl, opts.keys, `LAT${i}`);
      pendingFrom(initiated);
      if (i < opts.warmupRounds) continue;
      direct.push(push.ms);
      ours.push(initiated.ms);
    }
    const initiateP = { p50Ms: percentile(ours, 50), p99Ms: percentile(ours, 99) };
    const stkPush = { p50Ms: percentile(direct, 50), p99Ms: percentile(direct, 99) };
    return {
      rounds: opts.rounds,
      initiate: initiateP,
      stkPush,
      overhead: { p50Ms: initiateP.p50Ms - stkPush.p50Ms, p99Ms: initiateP.p99Ms - stkPush.p99Ms },
    };
  } finally {
    agent.destroy();
  }
}
