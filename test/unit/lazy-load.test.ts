// What a fresh process loads: ip-num (large regular expressions built at load) only
// once an IPv6 address is read, so that the `nlroute` command and IPv4-only agents
// start without it. The start-up time itself is the harness's to measure, not a test's.
import assert from 'node:assert/strict';

import { describeExit, LIBRARY, runChild } from '../helpers/child';

describe('lazy loading', () => {
  it('loads ip-num on the first IPv6 address, not before', () => {
    const r = runChild(`
      const loaded = () => Object.keys(require.cache).some((f) => f.includes('/node_modules/ip-num/'));
      require(${JSON.stringify(`${LIBRARY}/cli/main`)});
      const { parseAddress } = require(${JSON.stringify(`${LIBRARY}/address`)});
      const before = loaded();
      parseAddress('dst', '10.1.2.3');
      const afterIpv4 = loaded();
      parseAddress('dst', '2001:db8::1');
      console.log(JSON.stringify([before, afterIpv4, loaded()]));
    `);
    assert.equal(r.status, 0, describeExit(r));
    assert.deepEqual(JSON.parse(r.stdout), [false, false, true]);
  });
});
