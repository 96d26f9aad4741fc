// mpesa-bridge: signs merchant requests. Runs before every request of the collection and acts
// on those with an X-Api-Key header (the Transactions and Webhooks folders). It sets {{signatureTimestamp}}
// and {{signature}}, which the request's X-Timestamp and X-Signature headers read.
//
// X-Signature = hex HMAC-SHA256, keyed with {{secretKey}}, of
//   "<timestamp>\n<METHOD>\n<path with query>\n<raw body>"
// the same string the server rebuilds from what it receives (src/security/signature.ts). So the
// path is the one Postman sends (variables resolved, percent-encoded the way Postman encodes
// URLs) and the body is the raw body with its variables resolved, byte for byte.
//
// To send a wrong header on purpose, give X-Timestamp or X-Signature a literal value instead
// of the variable (the error examples do). A literal X-Timestamp is also the one signed.
(function signMerchantRequest() {
  const headers = pm.request.headers.toObject(true, false); // enabled headers, lower-case names
  if (!('x-api-key' in headers)) return;

  const CryptoJS = require('crypto-js');
  const { Url } = require('postman-collection');
  const method = pm.request.method.toUpperCase();
  const body = pm.request.body;
  // Postman (like newman) drops the body of a GET or HEAD before sending it.
  const rawBody =
    body && !body.disabled && body.mode === 'raw' && !['GET', 'HEAD'].includes(method) ? body.raw || '' : '';
  if (body && !body.disabled && body.mode && body.mode !== 'raw' && !body.isEmpty()) {
    throw new Error(`Signed requests need a raw body (this one is ${body.mode})`);
  }

  // Fail here, with the variable's name, rather than send a request the server must refuse.
  if (/\{\{\$/.test(rawBody)) {
    throw new Error(
      'A dynamic variable such as {{$guid}} in a signed body would be resolved once for the signature and again for sending: set a variable in a pre-request script instead',
    );
  }
  const templates = [pm.request.url.toString(), rawBody, headers['x-api-key']].join('\n');
  for (const [, name] of templates.matchAll(/\{\{([^{}$][^{}]*)\}\}/g)) {
    const value = pm.variables.get(name);
    if (value === undefined || value === null || value === '') {
      throw new Error(
        `{{${name}}} is empty: select the "mpesa-bridge local" environment and run the request that saves it (see the collection's description)`,
      );
    }
  }
  const secretKey = pm.variables.get('secretKey');
  if (!secretKey)
    throw new Error(
      '{{secretKey}} is empty: run "Create project" (Projects folder) or paste your project\'s keys into the environment',
    );

  const timestampHeader = headers['x-timestamp'];
  const timestamp =
    timestampHeader === undefined || timestampHeader === '{{signatureTimestamp}}'
      ? String(Math.floor(Date.now() / 1000))
      : pm.variables.replaceIn(timestampHeader);

  const message = [timestamp, method, pathWithQuery(), pm.variables.replaceIn(rawBody)].join('\n');
  pm.variables.set('signatureTimestamp', timestamp);
  pm.variables.set('signature', CryptoJS.HmacSHA256(message, secretKey).toString(CryptoJS.enc.Hex));
  // A request added by hand may lack the two headers: add them.
  if (timestampHeader === undefined)
    pm.request.headers.add({ key: 'X-Timestamp', value: '{{signatureTimestamp}}' });
  if (headers['x-signature'] === undefined)
    pm.request.headers.add({ key: 'X-Signature', value: '{{signature}}' });

  function pathWithQuery() {
    const resolved = new Url(pm.variables.replaceIn(pm.request.url.toString()));
    const query = resolved.query
      .all()
      .filter((param) => !param.disabled)
      .map(
        (param) =>
          percentEncode(param.key || '', ' "#\'<>&=') +
          (typeof param.value === 'string' ? `=${percentEncode(param.value, ' "#\'<>&')}` : ''),
      );
    return percentEncode(resolved.getPath(), ' "#<>?`{}') + (query.length ? `?${query.join('&')}` : '');
  }

  // Postman's URL encoder (postman-url-encoder): the given characters, controls and every
  // non-ASCII byte are percent-encoded; an existing %XX is kept as it is.
  function percentEncode(text, specials) {
    let out = '';
    for (let i = 0; i < text.length;) {
      if (/^%[0-9A-Fa-f]{2}/.test(text.slice(i, i + 3))) {
        out += text.slice(i, i + 3);
        i += 3;
        continue;
      }
      const char = String.fromCodePoint(text.codePointAt(i));
      i += char.length;
      const code = char.codePointAt(0);
      if (code > 0x7e) out += encodeURIComponent(char);
      else if (code < 0x20 || specials.includes(char))
        out += `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
      else out += char;
    }
    return out;
  }
})();
