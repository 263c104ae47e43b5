// How a native outcome becomes the error thrown for a failed listing or lookup: always
// a NetlinkError with the errno's name, the operation and the kernel's text; never
// `undefined`, even when the outcome of a failed reply claims success.
import assert from 'node:assert/strict';
import * as os from 'node:os';

import { NetlinkError } from '../../lib';
import { HandleCore } from '../../lib/core';
import type { NativeHandle } from '../../lib/native';
import { NameRegistry } from '../../lib/names/registry';

const core = new HandleCore({} as NativeHandle, new NameRegistry({ configDir: '/nonexistent-nlroute-names' }));

describe('failed replies', () => {
  it("carry the kernel's errno, text and attribute", () => {
    const error = core.failure(
      { errno: os.constants.errno.EINVAL, state: 'done', extack: 'Invalid table', attribute: 'FRA_TABLE' },
      'rule list',
      'table 5',
      {
        FRA_TABLE: 'table',
      },
    );
    assert.ok(error instanceof NetlinkError);
    assert.deepEqual([error.code, error.operation, error.extack, error.field], ['EINVAL', 'rule list', 'Invalid table', 'table']);
  });

  it('are an EPROTO error when the outcome of a failed reply says success', () => {
    for (const outcome of [null, { errno: 0, state: 'done' as const }]) {
      const error = core.failure(outcome, 'route list');
      assert.ok(error instanceof NetlinkError);
      assert.equal(error.code, 'EPROTO');
      assert.equal(error.operation, 'route list');
      assert.match(error.hint ?? '', /no errno/);
    }
  });
});
