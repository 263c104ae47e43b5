// Installing as a compute node does: the packed tarball (with its prebuilt binary) into a
// scratch project, with no compiler, make or python on PATH. It must install without
// building anything, and load as CommonJS, as an ES module, as nlroute/dvr, and as the
// nlroute command. Slow (it packs, which builds the prebuilt binary): about a minute.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');
// What `npm pack` reads, copied so that packing (which builds and compiles) never touches
// the working tree the other tests run from.
const PACKED_FROM = [
  'package.json',
  'package-lock.json',
  'binding.gyp',
  'CMakeLists.txt',
  'tsconfig.json',
  'README.md',
  'LICENSE',
  'CHANGELOG.md',
  'native',
  'lib',
  'bin',
  'scripts/prebuild.js',
  'scripts/bundle-cli.js',
];

// ELF e_machine values (elf.h), at byte 18 of the header, little-endian.
const EM_X86_64 = 62;
const EM_AARCH64 = 183;

function elfMachine(file: string): number {
  const header = Buffer.alloc(20);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, header, 0, 20, 0);
  } finally {
    fs.closeSync(fd);
  }
  assert.equal(header.toString('latin1', 0, 4), '\x7fELF', `${file} is not an ELF file`);
  return header.readUInt16LE(18);
}

function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function npmCli(): string {
  const npm = execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim();
  return path.join(path.dirname(fs.realpathSync(npm)), 'npm-cli.js');
}

describe('install without a compiler', function () {
  before(function () {
    // The sanitizer run preloads ASan into every child: packing would compile under it.
    if (process.env.NLROUTE_ADDON) this.skip();
  });

  it('installs the packed tarball from its prebuilt binary and loads every way a user loads it', function () {
    this.timeout(600_000);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nlroute-install-'));
    try {
      const source = path.join(work, 'source');
      fs.mkdirSync(source);
      for (const entry of PACKED_FROM) {
        fs.mkdirSync(path.dirname(path.join(source, entry)), { recursive: true });
        fs.cpSync(path.join(ROOT, entry), path.join(source, entry), { recursive: true });
      }
      fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(source, 'node_modules'));
      const npm = (cwd: string, args: string[], env: NodeJS.ProcessEnv = process.env) =>
        spawnSync(process.execPath, [npmCli(), ...args], { cwd, env, encoding: 'utf8', timeout: 540_000 });

      const packed = npm(source, ['pack', '--json', '--pack-destination', work]);
      assert.equal(packed.status, 0, packed.stderr);
      const [{ filename, files }] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{
        filename: string;
        files: Array<{ path: string }>;
      }>;
      const shipped = files.map((f) => f.path);
      assert.ok(shipped.includes('prebuilds/linux-x64/nlroute.glibc.node'), `no prebuilt binary in ${shipped.join(' ')}`);
      assert.equal(elfMachine(path.join(source, 'prebuilds/linux-x64/nlroute.glibc.node')), EM_X86_64);
      if (hasCommand('aarch64-linux-gnu-g++')) {
        // The cross-built binary ships beside it, and is an AArch64 shared object.
        assert.ok(shipped.includes('prebuilds/linux-arm64/nlroute.glibc.node'), `no linux-arm64 binary in ${shipped.join(' ')}`);
        assert.equal(elfMachine(path.join(source, 'prebuilds/linux-arm64/nlroute.glibc.node')), EM_AARCH64);
      } else {
        console.log('      (no aarch64-linux-gnu-g++ here: the linux-arm64 binary was not built or checked; CI installs it)');
      }

      // A PATH with node and sh (npm runs scripts through sh) and nothing else: no cc, c++,
      // make or python to build with.
      const bin = path.join(work, 'bin');
      fs.mkdirSync(bin);
      fs.symlinkSync(process.execPath, path.join(bin, 'node'));
      fs.symlinkSync('/bin/sh', path.join(bin, 'sh'));
      for (const tool of ['cc', 'c++', 'g++', 'make', 'python3']) assert.ok(!fs.existsSync(path.join(bin, tool)));
      const bare = { ...process.env, PATH: bin };
      const project = path.join(work, 'project');
      fs.mkdirSync(project);
      fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'agent', version: '1.0.0', private: true }));
      const installed = npm(
        project,
        ['install', path.join(work, filename), '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts'],
        bare,
      );
      assert.equal(installed.status, 0, installed.stdout + installed.stderr);
      assert.doesNotMatch(installed.stdout + installed.stderr, /gyp info|make: /, 'the install built from source');
      assert.ok(!fs.existsSync(path.join(project, 'node_modules', 'nlroute', 'build')), 'a build/ was made');

      const node = (args: string[]) => spawnSync(process.execPath, args, { cwd: project, env: bare, encoding: 'utf8', timeout: 30_000 });
      const cjs = node([
        '-e',
        "const n = require('nlroute'); const d = require('nlroute/dvr'); console.log(typeof n.open, typeof d.DvrNode)",
      ]);
      assert.equal(cjs.stdout.trim(), 'function function', cjs.stderr);
      const esm = node([
        '--input-type=module',
        '-e',
        "import { open } from 'nlroute'; import { DvrNode } from 'nlroute/dvr'; console.log(typeof open, typeof DvrNode)",
      ]);
      assert.equal(esm.stdout.trim(), 'function function', esm.stderr);
      // The command ships bundled, and runs from the bundle with ip-num and
      // node-gyp-build resolved from the installed dependencies.
      const bundle = path.join(project, 'node_modules', 'nlroute', 'dist', 'lib', 'cli.bundle.js');
      assert.ok(fs.existsSync(bundle), 'the package has no bundled command');
      const cached = node([
        '-e',
        `console.log(require(${JSON.stringify(path.join(project, 'node_modules', 'nlroute', 'bin', 'nlroute.js'))}).loadBundle(${JSON.stringify(bundle)}).cacheRejected)`,
      ]);
      assert.equal(cached.stdout.trim(), 'false', `the bundle's code cache was not used: ${cached.stderr}`);
      const cli = node([path.join(project, 'node_modules', '.bin', 'nlroute'), '-V']);
      assert.match(cli.stdout, /^nlroute 0\.\d+\.\d+/, cli.stderr);
      const show = node([path.join(project, 'node_modules', '.bin', 'nlroute'), 'help']);
      assert.match(show.stderr, /Usage: nlroute/, 'the bundled command parses and prints its grammar');
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
