// The numbers DVR derives and the priority allocator; no root needed.
import assert from 'node:assert/strict';

import {
  deviceName,
  FIP_PRIORITY_END,
  FIP_PRIORITY_START,
  ipv4Network,
  linkLocalFromMac,
  linkLocalPair,
  PriorityAllocator,
  PriorityPoolExhaustedError,
  routerTable,
  seededRandom,
  snatIndex,
} from '../../lib/dvr';
import { ValidationError } from '../../lib';

describe('DVR numbers', () => {
  it('derives tables and priorities as Neutron does', () => {
    assert.deepEqual(linkLocalPair(5), { rfp: '169.254.64.10', fpr: '169.254.64.11' });
    assert.equal(routerTable('169.254.64.11'), 2852012043);
    assert.equal(snatIndex('10.0.0.1/24'), 167772161);
    assert.equal(snatIndex('192.168.1.1/24'), 3232235777);
    assert.throws(() => linkLocalPair(8192), ValidationError);
  });

  it("derives IPv6 SNAT indexes with Neutron's crc32 fold, never below 32768", () => {
    // Neutron's own example (dvr_local_router._get_snat_idx).
    assert.equal(snatIndex('2001:db8:1::1/64'), 1043523879);
    // The text hashed is the canonical form, however the caller spelled it.
    assert.equal(snatIndex('2001:DB8:1:0::1/64'), 1043523879);
    for (let i = 0; i < 2000; i++) {
      const index = snatIndex(`2001:db8:${i.toString(16)}::1/64`);
      assert.ok(Number.isInteger(index) && index >= 32768 && index < 0x3fffffff + 32768, `index ${index}`);
    }
  });

  it('derives the fpr- link-local gateway from its MAC (modified EUI-64) and subnet networks', () => {
    assert.equal(linkLocalFromMac('42:63:d0:fa:fb:2c'), 'fe80::4063:d0ff:fefa:fb2c');
    assert.equal(linkLocalFromMac('00:00:5e:00:53:01'), 'fe80::200:5eff:fe00:5301');
    assert.throws(() => linkLocalFromMac('00:00:5e:00:53'), ValidationError);
    assert.equal(ipv4Network('10.0.0.1/24'), '10.0.0.0/24');
    assert.equal(ipv4Network('10.0.17.9/20'), '10.0.16.0/20');
  });

  it('names devices as Neutron does: (prefix + id) cut to 14 characters', () => {
    const router = '7f3e2c1a-9b4d-4e21-8c5a-0d6f1e2a3b4c';
    assert.equal(deviceName('rfp-', router), 'rfp-7f3e2c1a-9');
    assert.equal(deviceName('fpr-', router), 'fpr-7f3e2c1a-9');
    assert.equal(deviceName('qr-', 'a1b2c3d4-e5f6-4711-9a2b-3c4d5e6f7a8b'), 'qr-a1b2c3d4-e5');
    assert.equal(deviceName('fg-', 'a1b2c3d4-e5f6-4711-9a2b-3c4d5e6f7a8b'), 'fg-a1b2c3d4-e5');
    assert.equal(deviceName('rfp-', 'short'), 'rfp-short');
  });
});

describe('floating-IP priority allocator', () => {
  it("hands out random free priorities in range, keeps a key's priority, adopts what it finds", () => {
    const a = new PriorityAllocator(seededRandom(7));
    a.adopt('r1/10.0.0.5', 40000);
    assert.equal(a.allocate('r1/10.0.0.5'), 40000);
    assert.throws(() => a.adopt('r2/10.0.0.9', 40000), ValidationError);
    const given = new Set<number>([40000]);
    for (let i = 0; i < 5000; i++) {
      const p = a.allocate(`k${i}`);
      assert.ok(p >= FIP_PRIORITY_START && p < FIP_PRIORITY_END);
      assert.ok(!given.has(p), `priority ${p} given twice`);
      given.add(p);
    }
    a.release('k0');
    assert.equal(a.priorityOf('k0'), undefined);
    assert.equal(a.inUse, 5000);
  });

  it('fills the pool exactly and then refuses with a clear error', () => {
    const a = new PriorityAllocator(seededRandom(1));
    const size = FIP_PRIORITY_END - FIP_PRIORITY_START;
    for (let i = 0; i < size; i++) a.allocate(`k${i}`);
    assert.throws(
      () => a.allocate('one-more'),
      (e: unknown) => e instanceof PriorityPoolExhaustedError && /40000/.test(e.message),
    );
    a.release('k123');
    assert.ok(a.allocate('one-more') >= FIP_PRIORITY_START);
  });
});
