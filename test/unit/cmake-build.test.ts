// The cmake-js build (for sanitizers and fuzzing) compiles the same sources as the
// node-gyp build; this checks that its addon loads and encodes identically.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { addon, type NativeCodec } from '../../lib/native';

const cmakeAddon = path.join(__dirname, '..', '..', '..', 'build-cmake', 'Release', 'nlroute.node');

describe('the cmake-js build', function () {
  before(function () {
    if (!fs.existsSync(cmakeAddon)) {
      console.log('      skipped: no build-cmake/ (run `npm run build:cmake`; .ci/run does)');
      this.skip();
    }
  });

  it('loads and encodes exactly what the node-gyp build encodes', function () {
    // The second build is a native addon at a path known only at run time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const other = require(cmakeAddon) as { codec: NativeCodec };
    const record = { family: 2, priority: 200, invert: true, src: '10.1.0.0', srcLen: 24, iifname: 'v0', table: 1000, action: 1 };
    assert.deepEqual(other.codec.encodeRule('add', 0x605, 3, record), addon.codec.encodeRule('add', 0x605, 3, record));
  });
});
