import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { isPrivateAddress, publicOnlyLookup, checkWebhookUrl } from '../../src/webhooks/webhook.url-guard';

describe('SSRF guard', () => {
  it.each([
    '127.0.0.1',
    '10.1.1.1',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.1.1',
    '0.0.0.0',
    '0.1.2.3',
    '224.0.0.1',
    '239.255.255.250',
    '255.255.255.255',
    '198.18.0.1',
    '240.0.0.1',
    '192.0.2.1',
    '::1',
    '::',
    'fe80::1',
    'fd12::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:a00:1',
    '::ffff:7f00:1',
    '64:ff9b::a00:1',
    '64:ff9b:1::1',
    '2002:7f00:1::1',
    '2001:0:4136:e378::1',
    '::7f00:1',
    '::a00:1',
    '2001:db8::1',
    'not an address',
  ])('when the address is %s, then it is private', (address) => expect(isPrivateAddress(address)).toBe(true));

  it.each(['93.184.215.14', '196.201.214.200', '8.8.8.8', '172.32.0.1', '2606:4700::1111'])(
    'when the address is %s, then it is public',
    (address) => expect(isPrivateAddress(address)).toBe(false),
  );

  it("when an address is one of this host's own interfaces, then it is private even in a public range", () => {
    // A public address on an interface cannot be set up here: the interface list is the stand-in.
    const spy = jest.spyOn(os, 'networkInterfaces').mockReturnValue({
      eth0: [
        {
          address: '52.95.110.1',
          netmask: '255.255.255.0',
          family: 'IPv4',
          mac: '00:00:00:00:00:00',
          internal: false,
          cidr: '52.95.110.1/24',
        },
      ],
    });
    try {
      expect(isPrivateAddress('52.95.110.1')).toBe(true);
      expect(isPrivateAddress('::ffff:52.95.110.1')).toBe(true);
      expect(isPrivateAddress('52.95.110.2')).toBe(false);
    } finally {
      spy.mockRestore();
    }
  });

  it('when a name resolves to loopback at connect time (DNS rebinding), then the connection is refused before it is made', async () => {
    let reached = false;
    const target = http.createServer((_req, res) => {
      reached = true;
      res.end('ok');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const { port } = target.address() as AddressInfo;
    try {
      const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
        const request = http.request({ host: 'localhost', port, lookup: publicOnlyLookup }, () =>
          resolve(new Error('connected')),
        );
        request.on('error', resolve);
        request.end();
      });
      expect(error.code).toBe('EPRIVATEADDRESS');
      expect(reached).toBe(false);
    } finally {
      target.close();
    }
  });

  it('when a URL is refused, then the reason says why', async () => {
    await expect(checkWebhookUrl('https://localhost/x', false)).rejects.toMatchObject({
      code: 'webhook_url_refused',
      details: { reason: expect.stringMatching(/private, loopback, link-local or other internal/) },
    });
    await expect(checkWebhookUrl('https://no-such-host.invalid/x', false)).rejects.toMatchObject({
      details: { reason: expect.stringMatching(/does not resolve/) },
    });
    await expect(checkWebhookUrl('http://93.184.215.14/x', false)).rejects.toMatchObject({
      details: { reason: 'must use https' },
    });
    await expect(checkWebhookUrl('https://93.184.215.14/x', false)).resolves.toBe('https://93.184.215.14/x');
    await expect(checkWebhookUrl('http://127.0.0.1:3000/x', true)).resolves.toBe('http://127.0.0.1:3000/x');
  });
});
