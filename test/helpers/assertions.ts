// Assertions the netns tests share.
import assert from 'node:assert/strict';

import { NetlinkError } from '../../lib';

/** The promise rejects with a NetlinkError of this errno name; `check` looks further. */
export async function rejectsWithCode(promise: Promise<unknown>, code: string, check?: (e: NetlinkError) => void): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof NetlinkError, String(e));
    assert.equal(e.code, code, e.message);
    check?.(e);
    return true;
  });
}
