// The bench as a merchant backend: one project, then signed initiates exactly as the README
// tells integrators (HMAC over timestamp, method, path and raw body).
import type http from 'node:http';
import { sign } from '../src/security/signature';
import { callJson, type HttpAnswer, type HttpCall } from './http';

const INITIATE_PATH = '/api/v1/transactions/initiate';

/** The simulator's "payment succeeds, no callback ever posted" number (simulator.outcomes.ts). */
export const NO_CALLBACK_PHONE = '254700000005';
/** The amount in Daraja's documented success callback (Amount 1.0), so no mismatch is flagged. */
export const BENCH_AMOUNT = 1;

export interface ProjectKeys {
  publicKey: string;
  secretKey: string;
}

/** A pending payment as the bench needs it: to post its callback and to subscribe to it. */
export interface PendingPayment {
  id: string;
  checkoutRequestId: string;
  merchantRequestId: string;
  clientSecret: string;
}

export async function createProject(
  agent: http.Agent,
  baseUrl: string,
  adminToken: string,
): Promise<ProjectKeys> {
  const answer = await callJson(agent, {
    method: 'POST',
    url: `${baseUrl}/api/v1/projects`,
    headers: { authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ name: 'Bench shop' }),
  });
  const body = answer.body as { project?: { publicKey?: string }; secretKey?: string };
  if (answer.status !== 201 || !body.project?.publicKey || !body.secretKey) {
    throw new Error(`project creation failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return { publicKey: body.project.publicKey, secretKey: body.secretKey };
}

/** A signed call of the merchant API. */
export function signedCall(
  agent: http.Agent,
  baseUrl: string,
  keys: ProjectKeys,
  method: HttpCall['method'],
  path: string,
  payload?: object,
): Promise<HttpAnswer> {
  const body = payload === undefined ? '' : JSON.stringify(payload);
  const timestamp = String(Math.floor(Date.now() / 1000));
  return callJson(agent, {
    method,
    url: `${baseUrl}${path}`,
    headers: {
      'x-api-key': keys.publicKey,
      'x-timestamp': timestamp,
      'x-signature': sign(keys.secretKey, { timestamp, method, path, body }),
    },
    body: body || undefined,
  });
}

export function initiate(
  agent: http.Agent,
  baseUrl: string,
  keys: ProjectKeys,
  reference: string,
): Promise<HttpAnswer> {
  return signedCall(agent, baseUrl, keys, 'POST', INITIATE_PATH, {
    phone: NO_CALLBACK_PHONE,
    amount: BENCH_AMOUNT,
    accountReference: reference,
    description: 'Bench',
  });
}

/** The pending payment an initiate created; throws on anything but Daraja's acceptance. */
export function pendingFrom(answer: HttpAnswer): PendingPayment {
  const body = answer.body as {
    transaction?: {
      id?: string;
      status?: string;
      checkoutRequestId?: string | null;
      merchantRequestId?: string | null;
    };
    clientSecret?: string;
  };
  const txn = body.transaction;
  if (
    answer.status !== 201 ||
    txn?.status !== 'pending' ||
    !txn.id ||
    !txn.checkoutRequestId ||
    !body.clientSecret
  ) {
    throw new Error(`initiate not accepted: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return {
    id: txn.id,
    checkoutRequestId: txn.checkoutRequestId,
    merchantRequestId: txn.merchantRequestId ?? '',
    clientSecret: body.clientSecret,
  };
}
