// The numbers DVR derives and the priority allocator; no root needed.
import assert from 'node:assert/strict';

import {
  FIP_PRIORITY_END, FIP_PRIORITY_START, linkLocalPair, PriorityAllocator, PriorityPoolExhaustedError, routerTable,
  seededRandom, snatIndex,
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
});

describe('floating-IP priority allocator', () => {
  it('hands out random free priorities in range, keeps a key\'s priority, adopts what it finds', () => {
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
    assert.throws(() => a.allocate('one-more'), (e: unknown) => e instanceof PriorityPoolExhaustedError && /40000/.test(e.message));
    a.release('k123');
    assert.ok(a.allocate('one-more') >= FIP_PRIORITY_START);
  });
});
