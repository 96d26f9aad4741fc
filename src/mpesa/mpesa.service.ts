// The one module that talks to Daraja over HTTP: one Daraja app (a consumer key and secret on
// one environment) per instance, made and cached by mpesa.apps.ts. It owns the base URL, the
// app's token cache, deadlines and the mapping of Daraja's answers; the shortcode, passkey and
// till of each call come with the call, so several accounts of one app share its token. It retries only what cannot have moved money:
// an STK Push refused for an invalid token is resent once with a fresh token; a push whose
// answer never came, or came unreadable, is NOT resent (it may have reached the customer), it
// is reported as `unknown` and left for the callback or an STK Query (mpesa.push-outcome.ts).
// Daraja cannot hurt us either: every call has one deadline for the whole exchange (an
// upstream that drips bytes is cut) and an answer is cut past a size no Daraja body comes near.
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { keepAliveAgents } from '../core/keep-alive-agents';
import type { Logger } from '../logger';
import { AppError } from '../errors';
import { createTokenCache, type IssuedToken } from './mpesa.token';
import { stkCredentials } from './mpesa.password';
import {
  c2bRegistrationError,
  DARAJA_INVALID_TOKEN_CODES,
  darajaError,
  darajaUnreachable,
  readDarajaError,
} from './mpesa.errors';
import { classifyPushAnswer, type PushOutcome } from './mpesa.push-outcome';
import {
  ACCOUNT_BALANCE_PATH,
  REVERSAL_PATH,
  accountBalanceBody,
  classifyAsyncAnswer,
  reversalBody,
  type AccountBalanceInput,
  type AsyncRequestOutcome,
  type ReversalInput,
} from './mpesa.reversal';
import {
  B2C_PATH,
  b2cBody,
  classifyB2cAnswer,
  type B2cInput,
  type B2cOutcome,
  type InitiatorCredential,
} from './mpesa.b2c';
import { B2B_PATH, b2bBody, classifyB2bAnswer, type B2bInput, type B2bOutcome } from './mpesa.b2b';
import {
  classifyTransactionStatusAnswer,
  TRANSACTION_STATUS_PATH,
  transactionStatusBody,
  type TransactionStatusInput,
  type TransactionStatusOutcome,
} from './mpesa.transaction-status';
import {
  DYNAMIC_QR_PATH,
  dynamicQrBody,
  readDynamicQrAnswer,
  type DynamicQrAnswer,
  type DynamicQrInput,
} from './mpesa.qr';
import {
  PULL_MAX_RESPONSE_BYTES,
  PULL_QUERY_PATH,
  PULL_REGISTER_PATH,
  pullQueryBody,
  pullRegisterBody,
  readPullPage,
  readPullRegisterAnswer,
  type PulledRow,
  type PullQuery,
  type PullRegistration,
} from './mpesa.pull';

export type Channel = 'paybill' | 'till';

/** A Daraja app: what OAuth needs. */
export interface DarajaAppCredentials {
  consumerKey: string;
  consumerSecret: string;
}

/** Whom a push pays and which passkey signs it. */
export interface Merchant {
  /** BusinessShortCode: the PayBill, or for a till the Head Office (store) shortcode. */
  shortcode: string;
  passkey: string;
  tillNumber: string | null;
}

export interface StkPushInput {
  phone: string;
  amount: number;
  channel: Channel;
  accountReference: string;
  description: string;
  callbackUrl: string;
}

export type StkPushResult = PushOutcome;

/** The C2B product versions Daraja offers an app; each has its own register URL. */
export const C2B_VERSIONS = ['v1', 'v2'] as const;
export type C2bVersion = (typeof C2B_VERSIONS)[number];
/** What Safaricom does with a payment when the validation URL does not answer in time. */
export const C2B_RESPONSE_TYPES = ['Completed', 'Cancelled'] as const;
export type C2bResponseType = (typeof C2B_RESPONSE_TYPES)[number];

export interface C2bRegistration {
  /** The PayBill, or for a till the Head Office (store) shortcode. */
  shortcode: string;
  version: C2bVersion;
  responseType: C2bResponseType;
  confirmationUrl: string;
  validationUrl: string;
}

export type StkQueryResult =
  | { kind: 'final'; resultCode: string; resultDesc: string }
  // in_progress: Daraja's 4999; no_answer: 500.001.1001, "no answer this time" (docs/daraja.md §4).
  | { kind: 'pending'; reason: 'in_progress' | 'no_answer' };

export type MpesaService = ReturnType<typeof createMpesaService>;

/** Daraja's answer to a query while the customer has not yet answered the prompt. */
const QUERY_STILL_PROCESSING = '4999';
/** Daraja's bodies are a few hundred bytes; an answer this big is not Daraja's and is cut while it streams. */
export const MAX_RESPONSE_BYTES = 64 * 1024;
/** Our own requests are smaller still; a bigger one is a bug of ours, refused before it is sent. */
const MAX_REQUEST_BYTES = 16 * 1024;
/** Transport failures before a single byte of the request could reach Daraja. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED']);

interface Deps {
  app: DarajaAppCredentials;
  baseUrl: string;
  /** One deadline for each whole exchange (MPESA_TIMEOUT_MS). */
  timeoutMs: number;
  logger: Logger;
}

export function createMpesaService({ app, baseUrl, timeoutMs, logger }: Deps) {
  const agents = keepAliveAgents();
  const client: AxiosInstance = axios.create({
    baseURL: baseUrl,
    // No `timeout`: it bounds idle time only. Each call passes its own deadline (`deadline()`).
    maxContentLength: MAX_RESPONSE_BYTES,
    maxBodyLength: MAX_REQUEST_BYTES,
    // We read every status ourselves: Daraja's error bodies carry the information we map.
    validateStatus: () => true,
    // Daraja does not redirect; without redirects axios also skips its follow-redirects layer.
    maxRedirects: 0,
    httpAgent: agents.http,
    httpsAgent: agents.https,
  });

  /** One deadline for a whole exchange, connect to last byte, fresh for each request. */
  const deadline = () => AbortSignal.timeout(timeoutMs);

  let oauthCalls = 0;
  const fetchToken = async (): Promise<IssuedToken> => {
    oauthCalls += 1;
    const basic = Buffer.from(`${app.consumerKey}:${app.consumerSecret}`).toString('base64');
    const response = await send(() =>
      client.get('/oauth/v1/generate', {
        params: { grant_type: 'client_credentials' },
        headers: { Authorization: `Basic ${basic}` },
        signal: deadline(),
      }),
    );
    const body = response.data as { access_token?: unknown; expires_in?: unknown } | undefined;
    // expires_in arrives as "3599" in most captures and as 3599 in the 2025 docs: accept both.
    const expiresIn = Number(body?.expires_in);
    if (response.status !== 200 || typeof body?.access_token !== 'string' || !Number.isFinite(expiresIn)) {
      throw darajaError(response.status, response.data);
    }
    return { accessToken: body.access_token, expiresInSeconds: expiresIn };
  };
  const tokens = createTokenCache(fetchToken);

  /** Runs a request, turning transport failures (a missed deadline included) into mpesa_unavailable. */
  async function send(request: () => Promise<AxiosResponse>): Promise<AxiosResponse> {
    try {
      return await request();
    } catch (error) {
      if (axios.isAxiosError(error)) throw darajaUnreachable(error.code ?? error.message);
      throw error;
    }
  }

  /** POSTs with a bearer token; on Daraja's invalid-token answer, drops the token and retries once. */
  async function postAuthorized(
    path: string,
    body: object,
    maxResponseBytes = MAX_RESPONSE_BYTES,
  ): Promise<AxiosResponse> {
    for (let attempt = 1; ; attempt += 1) {
      const token = await tokens.get();
      const response = await client.post(path, body, {
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        signal: deadline(),
        maxContentLength: maxResponseBytes,
      });
      if (
        attempt === 1 &&
        DARAJA_INVALID_TOKEN_CODES.includes(readDarajaError(response.data).errorCode ?? '')
      ) {
        logger.warn('daraja token refused, fetching a new one', { path });
        tokens.invalidate(token);
        continue;
      }
      return response;
    }
  }

  async function stkPush(merchant: Merchant, input: StkPushInput): Promise<StkPushResult> {
    const credentials = stkCredentials(merchant.shortcode, merchant.passkey);
    // A till (Buy Goods) is paid as PartyB while the Head Office shortcode, whose passkey signs,
    // stays BusinessShortCode; a till sent as a PayBill ends in 2028 or SFC_IC0003 (docs/daraja.md §2).
    const body = {
      ...credentials,
      TransactionType: input.channel === 'till' ? 'CustomerBuyGoodsOnline' : 'CustomerPayBillOnline',
      Amount: input.amount,
      PartyA: input.phone,
      PartyB: input.channel === 'till' ? merchant.tillNumber : merchant.shortcode,
      PhoneNumber: input.phone,
      CallBackURL: input.callbackUrl,
      AccountReference: input.accountReference,
      TransactionDesc: input.description,
    };
    let response: AxiosResponse;
    try {
      response = await postAuthorized('/mpesa/stkpush/v1/processrequest', body);
    } catch (error) {
      // The token could not be had: the push itself was never sent.
      if (error instanceof AppError) return { kind: 'rejected', error };
      if (!axios.isAxiosError(error)) throw error;
      const reason =
        error.code === 'ERR_CANCELED'
          ? `no complete answer within ${timeoutMs} ms`
          : (error.code ?? error.message);
      if (error.code && NEVER_SENT.has(error.code))
        return { kind: 'rejected', error: darajaUnreachable(error.code) };
      // A timeout, a reset, an answer cut for its size: the push may have reached the phone.
      logger.warn('stk push outcome unknown', { reason });
      return { kind: 'unknown', reason };
    }
    const outcome = classifyPushAnswer(response.status, response.data);
    if (outcome.kind === 'unknown')
      logger.warn('stk push outcome unknown', { reason: outcome.reason, darajaHttpStatus: response.status });
    return outcome;
  }

  /**
   * One B2C request, never retried past the token refresh: a request whose answer is lost may
   * have paid, and is reported `unknown` for Transaction Status to resolve (mpesa.b2c.ts).
   */
  async function b2cPayment(initiator: InitiatorCredential, input: B2cInput): Promise<B2cOutcome> {
    let response: AxiosResponse;
    try {
      response = await postAuthorized(B2C_PATH, b2cBody(initiator, input));
    } catch (error) {
      // The token could not be had: the request itself was never sent.
      if (error instanceof AppError) return { kind: 'rejected', error, resultCode: null };
      if (!axios.isAxiosError(error)) throw error;
      if (error.code && NEVER_SENT.has(error.code))
        return { kind: 'rejected', error: darajaUnreachable(error.code), resultCode: null };
      const reason =
        error.code === 'ERR_CANCELED'
          ? `no complete answer within ${timeoutMs} ms`
          : (error.code ?? error.message);
      logger.warn('b2c payment outcome unknown', { payoutId: input.originatorConversationId, reason });
      return { kind: 'unknown', reason };
    }
    const outcome = classifyB2cAnswer(response.status, response.data);
    if (outcome.kind === 'unknown')
      logger.warn('b2c payment outcome unknown', {
        payoutId: input.originatorConversationId,
        reason: outcome.reason,
        darajaHttpStatus: response.status,
      });
    return outcome;
  }

  /** One B2B request (PayBill or till), never retried past the token refresh, as B2C (mpesa.b2b.ts). */
  async function b2bPayment(initiator: InitiatorCredential, input: B2bInput): Promise<B2bOutcome> {
    let response: AxiosResponse;
    try {
      response = await postAuthorized(B2B_PATH, b2bBody(initiator, input));
    } catch (error) {
      if (error instanceof AppError) return { kind: 'rejected', error, resultCode: null };
      if (!axios.isAxiosError(error)) throw error;
      if (error.code && NEVER_SENT.has(error.code))
        return { kind: 'rejected', error: darajaUnreachable(error.code), resultCode: null };
      const reason =
        error.code === 'ERR_CANCELED'
          ? `no complete answer within ${timeoutMs} ms`
          : (error.code ?? error.message);
      logger.warn('b2b payment outcome unknown', { payoutId: input.payoutId, reason });
      return { kind: 'unknown', reason };
    }
    const outcome = classifyB2bAnswer(response.status, response.data);
    if (outcome.kind === 'unknown')
      logger.warn('b2b payment outcome unknown', {
        payoutId: input.payoutId,
        reason: outcome.reason,
        darajaHttpStatus: response.status,
      });
    return outcome;
  }

  async function stkQuery(
    merchant: Pick<Merchant, 'shortcode' | 'passkey'>,
    checkoutRequestId: string,
  ): Promise<StkQueryResult> {
    const body = {
      ...stkCredentials(merchant.shortcode, merchant.passkey),
      CheckoutRequestID: checkoutRequestId,
    };
    const response = await send(() => postAuthorized('/mpesa/stkpushquery/v1/query', body));
    const data = response.data as Record<string, unknown> | undefined;
    // An answer about another payment (a confused gateway, a proxy's cache) says nothing
    // about this one: it is ignored, never applied. An answer without the field (4999) is read.
    const answeredFor = data?.CheckoutRequestID;
    if (typeof answeredFor === 'string' && answeredFor !== checkoutRequestId) {
      logger.warn('stk query answer names another CheckoutRequestID; ignored', {
        asked: checkoutRequestId,
        answered: answeredFor.slice(0, 64),
      });
      return { kind: 'pending', reason: 'no_answer' };
    }
    const resultCode = data?.ResultCode === undefined ? undefined : String(data.ResultCode);
    if (response.status === 200 && resultCode !== undefined && resultCode !== QUERY_STILL_PROCESSING) {
      return { kind: 'final', resultCode, resultDesc: String(data?.ResultDesc ?? '') };
    }
    // 4999, and 500.001.1001 on a query, mean "no answer this time", not failure (docs/daraja.md §4).
    if (resultCode === QUERY_STILL_PROCESSING) return { kind: 'pending', reason: 'in_progress' };
    if (readDarajaError(data).errorCode === '500.001.1001') return { kind: 'pending', reason: 'no_answer' };
    throw darajaError(response.status, response.data);
  }

  /**
   * Registers the C2B confirmation and validation URLs of a shortcode. Safe to send again (it
   * moves no money); Daraja answers `OriginatorCoversationID` (sic) and ResponseCode "0" on
   * success (docs/daraja.md §7). Errors are mapped by c2bRegistrationError.
   */
  async function registerC2bUrls(input: C2bRegistration): Promise<void> {
    // ResponseType in sentence case: Daraja reads "Completed" or "Cancelled" (DOC-C2B).
    const body = {
      ShortCode: input.shortcode,
      ResponseType: input.responseType,
      ConfirmationURL: input.confirmationUrl,
      ValidationURL: input.validationUrl,
    };
    const response = await send(() => postAuthorized(`/mpesa/c2b/${input.version}/registerurl`, body));
    const data = response.data as Record<string, unknown> | undefined;
    if (response.status === 200 && String(data?.ResponseCode ?? '') === '0') return;
    throw c2bRegistrationError(response.status, response.data, input.version);
  }

  /**
   * Asks for a transaction's status; the answer only says whether Daraja took the request (the
   * Result comes to the ResultURL). Not resent when its answer is lost: a Result may still come.
   */
  async function transactionStatus(input: TransactionStatusInput): Promise<TransactionStatusOutcome> {
    let response: AxiosResponse;
    try {
      response = await postAuthorized(TRANSACTION_STATUS_PATH, transactionStatusBody(input));
    } catch (error) {
      if (error instanceof AppError) return { kind: 'rejected', error };
      if (!axios.isAxiosError(error)) throw error;
      if (error.code && NEVER_SENT.has(error.code))
        return { kind: 'rejected', error: darajaUnreachable(error.code) };
      return {
        kind: 'unknown',
        reason:
          error.code === 'ERR_CANCELED'
            ? `no complete answer within ${timeoutMs} ms`
            : (error.code ?? error.message),
      };
    }
    return classifyTransactionStatusAnswer(response.status, response.data);
  }

  /**
   * One asynchronous request (Reversal, Account Balance), never retried past the token refresh:
   * one whose answer is lost may have reached M-Pesa (mpesa.reversal.ts).
   */
  async function asyncRequest(path: string, body: object): Promise<AsyncRequestOutcome> {
    let response: AxiosResponse;
    try {
      response = await postAuthorized(path, body);
    } catch (error) {
      if (error instanceof AppError) return { kind: 'rejected', error, resultCode: null };
      if (!axios.isAxiosError(error)) throw error;
      if (error.code && NEVER_SENT.has(error.code))
        return { kind: 'rejected', error: darajaUnreachable(error.code), resultCode: null };
      return {
        kind: 'unknown',
        reason:
          error.code === 'ERR_CANCELED'
            ? `no complete answer within ${timeoutMs} ms`
            : (error.code ?? error.message),
      };
    }
    return classifyAsyncAnswer(response.status, response.data);
  }

  /** A Dynamic QR: nothing moves money, so a failure is simply an error (the caller may ask again). */
  async function dynamicQr(input: DynamicQrInput): Promise<DynamicQrAnswer> {
    const response = await send(() => postAuthorized(DYNAMIC_QR_PATH, dynamicQrBody(input)));
    return readDynamicQrAnswer(response.status, response.data);
  }

  /** Registers a shortcode for Pull Transactions; "already registered" is a success too. */
  async function registerPull(input: PullRegistration): Promise<void> {
    const response = await send(() => postAuthorized(PULL_REGISTER_PATH, pullRegisterBody(input)));
    readPullRegisterAnswer(response.status, response.data);
  }

  /** One page of a shortcode's C2B payments in a window; empty past the end. */
  async function pullTransactions(input: PullQuery): Promise<PulledRow[]> {
    const response = await send(() =>
      postAuthorized(PULL_QUERY_PATH, pullQueryBody(input), PULL_MAX_RESPONSE_BYTES),
    );
    return readPullPage(response.status, response.data);
  }

  return {
    stkPush,
    stkQuery,
    b2cPayment,
    b2bPayment,
    registerC2bUrls,
    registerPull,
    pullTransactions,
    transactionStatus,
    dynamicQr,
    reversal: (initiator: InitiatorCredential, input: ReversalInput) =>
      asyncRequest(REVERSAL_PATH, reversalBody(initiator, input)),
    accountBalance: (initiator: InitiatorCredential, input: AccountBalanceInput) =>
      asyncRequest(ACCOUNT_BALANCE_PATH, accountBalanceBody(initiator, input)),
    /** An OAuth call now, past the cache: throws the AppError Daraja's answer maps to (saving an account checks it). */
    checkCredentials: async (): Promise<void> => {
      await fetchToken();
    },
    /** An OAuth call now whose token becomes the cached one: an operator's check of an account that pays. */
    renewToken: async (): Promise<void> => {
      await tokens.renew();
    },
    /**
     * A token through the cache: an OAuth call only when none is cached (diagnostics). Unlike
     * checkCredentials it never replaces the token pushes are using, which Daraja may invalidate
     * when it issues a new one (docs/daraja.md §1).
     */
    authorize: async (): Promise<void> => {
      await tokens.get();
    },
    /** OAuth round trips made so far (the benchmark reports it). */
    oauthCallCount: () => oauthCalls,
  };
}
