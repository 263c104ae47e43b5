// Runs cmake-js for the second build of the native sources (plain, sanitizer or fuzz
// build, each in its own output folder). Node's headers come from npm's `nodedir` or
// from next to this node, so nothing is downloaded.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');

/** cmake-js compile into `out` with the extra arguments; returns the folder. */
function cmakeJsCompile(out, extra = []) {
  const env = { ...process.env };
  if (!env.npm_config_nodedir) {
    const prefix = path.resolve(path.dirname(process.execPath), '..');
    if (fs.existsSync(path.join(prefix, 'include', 'node', 'node.h'))) env.npm_config_nodedir = prefix;
  }
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  execFileSync(process.execPath, [cmakeJs, 'compile', '--directory', root, '--out', out, ...extra], { cwd: root, env, stdio: 'inherit' });
  return out;
}

/** The first of `names` (relative to `out`, e.g. Release/x) that was built. */
function builtFile(out, name) {
  return [path.join(out, 'Release', name), path.join(out, name)].find((f) => fs.existsSync(f));
}

module.exports = { cmakeJsCompile, builtFile, root };
