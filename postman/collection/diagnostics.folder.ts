// Diagnostics: the service's checks of the deployment for the keys' project and mode (what
// `mpesa-bridge doctor` shows beside its own).
import { expectStatus, signedRequest } from './checks';
import { folder } from './postman-format';

export const diagnosticsFolder = folder(
  'Diagnostics',
  'Read-only checks a support engineer would make: the callback base URL, TRUST_PROXY, the callback allowlist, Daraja accepting each M-Pesa account, webhook endpoint health. Each finding has a status (ok, warn, fail) and a fix.',
  [
    signedRequest({
      name: 'Check the deployment',
      method: 'GET',
      path: '/api/v1/diagnostics',
      tests: `${expectStatus(200)}
const answer = pm.response.json();
pm.test('findings of the key’s mode, each with a status', () => {
  pm.expect(answer.project.mode).to.be.oneOf(['test', 'live']);
  pm.expect(answer.findings.map((finding) => finding.check)).to.include.members(['callback_url', 'trust_proxy', 'callback_allowlist', 'daraja_credentials']);
  answer.findings.forEach((finding) => pm.expect(finding.status).to.be.oneOf(['ok', 'warn', 'fail']));
});`,
    }),
  ],
);
