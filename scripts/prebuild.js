#!/usr/bin/env node
// The prebuilt binaries the package ships (npm pack runs this as "prepack"), made with
// prebuildify: linux-x64 (glibc) with the host's compiler, and linux-arm64 (glibc) with
// Debian's cross compiler (apt install g++-aarch64-linux-gnu) when it is installed. Both
// are N-API binaries, one per platform for every Node version. prebuildify builds in
// build/ and moves the binary out of build/Release, so the next `npm test` or `npm run
// storm` (scripts/ensure-built.js) builds the addon for the host again.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const COMMON = ['--napi', '--strip', '--tag-libc'];
const CROSS = 'aarch64-linux-gnu';

function prebuildify(args, env = {}) {
  const bin = require.resolve('prebuildify/bin.js', { paths: [root] });
  const r = spawnSync(process.execPath, [bin, ...COMMON, ...args], { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) process.exit(r.status || 1);
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

prebuildify([]);
if (process.arch === 'x64' && has(`${CROSS}-g++`)) {
  prebuildify(['--arch', 'arm64', '--strip-bin', `${CROSS}-strip`], {
    CC: `${CROSS}-gcc`,
    CXX: `${CROSS}-g++`,
    LINK: `${CROSS}-g++`,
    AR: `${CROSS}-ar`,
  });
} else {
  console.error(`prebuild: no linux-arm64 binary (its cross compiler is apt install g++-${CROSS})`);
}
