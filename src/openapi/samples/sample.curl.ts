// The curl sample: for a signed operation, the signing one-liner (openssl, as in the README)
// then the request; otherwise the request with the admin token or the session cookie.
// `--fail-with-body` makes an error answer a failing command that still prints the error.
import { SAMPLE_BASE_URL, SAMPLE_ENV, SAMPLE_PUBLIC_KEY, SECRET_KEY_NOTE } from './sample.placeholders';
import { shellWord } from './sample.literals';
import type { SampleRequest } from './sample.request';

export function curlSample(request: SampleRequest): string {
  const method = request.method.toUpperCase();
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  const shown = Object.entries(request.headers).map(
    ([name, value]) => `-H ${shellWord(`${name}: ${value}`)}`,
  );
  const sends = body === undefined ? [] : [`-H 'Content-Type: application/json'`, `-d "$BODY"`];
  const verb = method === 'GET' ? '' : ` -X ${method}`;

  if (request.auth === 'signature') {
    return [
      `# $${SAMPLE_ENV.secretKey}: ${SECRET_KEY_NOTE}`,
      `PUBLIC_KEY=${SAMPLE_PUBLIC_KEY}`,
      `P=${shellWord(request.pathWithQuery)}`,
      ...(body === undefined ? [] : [`BODY=${shellWord(body)}`]),
      'TS=$(date +%s)',
      `SIG=$(printf '%s\\n%s\\n%s\\n%s' "$TS" ${method} "$P" ${body === undefined ? "''" : '"$BODY"'} | openssl dgst -sha256 -hmac "$${SAMPLE_ENV.secretKey}" -hex | sed 's/^.* //')`,
      lines([
        `curl -sS --fail-with-body${verb} "${SAMPLE_BASE_URL}$P"`,
        `-H "X-Api-Key: $PUBLIC_KEY" -H "X-Timestamp: $TS" -H "X-Signature: $SIG"`,
        ...shown,
        ...sends,
      ]),
    ].join('\n');
  }

  const auth =
    request.auth === 'admin'
      ? [`-H "Authorization: Bearer $${SAMPLE_ENV.adminToken}"`]
      : request.auth === 'session'
        ? [
            `-H "Cookie: mb_session=$${SAMPLE_ENV.session}"`,
            ...(method === 'GET'
              ? []
              : [
                  `-H "X-CSRF-Token: $${SAMPLE_ENV.csrfToken}" -H ${shellWord(`Origin: ${SAMPLE_BASE_URL}`)}`,
                ]),
          ]
        : [];
  const note =
    request.auth === 'admin'
      ? [`# $${SAMPLE_ENV.adminToken}: the operator token (ADMIN_TOKEN, or data/admin-token)`]
      : request.auth === 'session'
        ? [
            `# $${SAMPLE_ENV.session}: the dashboard's mb_session cookie; $${SAMPLE_ENV.csrfToken}: its csrfToken (GET /api/v1/dashboard/session)`,
          ]
        : [];
  return [
    ...note,
    ...(body === undefined ? [] : [`BODY=${shellWord(body)}`]),
    lines([
      `curl -sS --fail-with-body${verb} ${shellWord(SAMPLE_BASE_URL + request.pathWithQuery)}`,
      ...auth,
      ...shown,
      ...sends,
    ]),
  ].join('\n');
}

/** One command over several lines, continued with backslashes. */
function lines(parts: string[]): string {
  return parts.join(' \\\n  ');
}
