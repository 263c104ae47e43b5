// Single calls made in one turn are sent together and answered by one promise (see
// lib/requests/queue.ts). When that send fails as a whole, every call of it fails with
// the send's error, and none is left counted as running (close() would wait forever).
import assert from 'node:assert/strict';

import { HandleCore } from '../../lib/core';
import type { NativeHandle, RequestsReply } from '../../lib/native';
import { NameRegistry } from '../../lib/names/registry';
import { sharedHead } from '../../lib/requests/heads';

/** A core whose native side answers each send with `reply(sendNumber)`, counting sends. */
function coreAnswering(reply: (send: number) => Promise<RequestsReply | null>) {
  let sends = 0;
  const native = { requests: () => reply(++sends) } as unknown as NativeHandle;
  const core = new HandleCore(native, new NameRegistry({ configDir: '/nonexistent-nlroute-names' }));
  const change = (priority: number) =>
    core.change(
      'rule add',
      () => ({ head: sharedHead('rule', false, 0), record: { family: 2, table: 100, priority } }),
      () => {
        throw new Error('no call here fails alone');
      },
    );
  return { core, change, sends: () => sends };
}

/** Every call has ended: settled() resolves at once, before the loop's next turn. */
async function noneRunning(core: HandleCore): Promise<void> {
  const nextTurn = new Promise<string>((resolve) => setImmediate(() => resolve('still running')));
  assert.equal(await Promise.race([core.settled().then(() => 'none running'), nextTurn]), 'none running');
}

describe('single calls sent together', () => {
  it('all fail with the error of their failed send, and none stays running', async () => {
    const lost = new Error('the send failed');
    const { core, change, sends } = coreAnswering(() => Promise.reject(lost));
    const results = await Promise.allSettled([1, 2, 3].map(change));
    assert.equal(sends(), 1, 'the three calls were one send');
    assert.deepEqual(
      results.map((r) => (r.status === 'rejected' ? r.reason : r.status) as unknown),
      [lost, lost, lost],
    );
    await noneRunning(core);
  });

  it('each get their own outcome when the send succeeds, in a later turn their own send', async () => {
    const { core, change, sends } = coreAnswering(() => Promise.resolve(null));
    await Promise.all([1, 2].map(change));
    await change(3);
    assert.equal(sends(), 2);
    await noneRunning(core);
  });
});
