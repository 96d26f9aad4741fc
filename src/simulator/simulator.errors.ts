// Daraja's synchronous error answers. Every one is `{requestId, errorCode, errorMessage}` and
// nothing else (docs/daraja.md §2, §10.7); the HTTP status travels beside the body, not inside it.
import type { Response } from 'express';

export interface DarajaError {
  httpStatus: number;
  errorCode: string;
  errorMessage: string;
}

export const DARAJA_ERRORS = {
  invalidGrantType: { httpStatus: 400, errorCode: '400.008.02', errorMessage: 'Invalid grant type passed' },
  // Wording observed live against the sandbox; the portal says "Invalid authentication type passed".
  invalidAuthentication: {
    httpStatus: 400,
    errorCode: '400.008.01',
    errorMessage: 'Invalid Authentication passed',
  },
  // 404, not 401: Daraja's gateway answers a bad token as "Resource not found" (docs/daraja.md §10.8).
  invalidAccessToken: { httpStatus: 404, errorCode: '404.001.03', errorMessage: 'Invalid Access Token' },
  invalidRequestPayload: {
    httpStatus: 400,
    errorCode: '400.002.05',
    errorMessage: 'Invalid Request Payload',
  },
  resourceNotFound: { httpStatus: 404, errorCode: '404.001.01', errorMessage: 'Resource not found' },
  methodNotAllowed: { httpStatus: 405, errorCode: '405.001', errorMessage: 'Method Not Allowed' },
  merchantDoesNotExist: {
    httpStatus: 500,
    errorCode: '500.001.1001',
    errorMessage: 'Merchant does not exist',
  },
  wrongCredentials: { httpStatus: 500, errorCode: '500.001.1001', errorMessage: 'Wrong credentials' },
  // In-flight answer seen on queries of a valid ID, interleaved with 200s (docs/daraja.md §4).
  transactionBeingProcessed: {
    httpStatus: 500,
    errorCode: '500.001.1001',
    errorMessage: 'The transaction is being processed',
  },
  // The same in-flight answer under HTTP 200 with an empty message (NKAP 2026, docs/daraja.md §4).
  emptyInFlight: { httpStatus: 200, errorCode: '500.001.1001', errorMessage: '' },
  spikeArrest: {
    httpStatus: 500,
    errorCode: '500.003.02',
    errorMessage: 'Error Occurred: Spike Arrest Violation',
  },
  transactionDoesNotExist: {
    httpStatus: 500,
    errorCode: '500.001.1001',
    errorMessage: 'The transaction does not Exist',
  },
  internalServerError: { httpStatus: 500, errorCode: '500.003.1001', errorMessage: 'Internal Server Error' },
} as const satisfies Record<string, DarajaError>;

/** `400.002.02 Bad Request - Invalid <Field>`, Daraja's one validation error for every field. */
export function invalidField(field: string): DarajaError {
  return { httpStatus: 400, errorCode: '400.002.02', errorMessage: `Bad Request - Invalid ${field}` };
}

export function sendDarajaError(res: Response, error: DarajaError, requestId: string): void {
  res
    .status(error.httpStatus)
    .json({ requestId, errorCode: error.errorCode, errorMessage: error.errorMessage });
}
