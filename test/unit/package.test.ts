// The package follows npm's conventions: a LICENSE matching "license", a changelog,
// engines no looser than the build from source needs, source maps whose sources ship,
// and every subpath export resolvable by TypeScript under each module resolution a user
// may have (node10 reads typesVersions, node16 and bundler read exports).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';

import { ERRNO_NAMES } from '../../lib/errno-names';
import { errnoName } from '../../lib/errors';

const ROOT = path.join(__dirname, '..', '..', '..');
interface PackageJson {
  version: string;
  license: string;
  files: string[];
  engines: { node: string };
}
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson;

/** The lowest Node version a range like `^20.17.0 || >=22.9.0` admits, per major line. */
function lowestPerMajor(range: string): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const part of range.split('||')) {
    const m = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(part);
    if (m) out.set(Number(m[1]), [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)]);
  }
  return out;
}

/** The TypeScript, JavaScript and shell sources under dir (node_modules and build output left out). */
function sourcesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|js|sh)$/.test(f) && !f.includes('node_modules'))
    .map((f) => path.join(dir, f));
}

describe('package conventions', () => {
  it('has a LICENSE that matches "license" and a changelog', () => {
    assert.equal(pkg.license, 'MIT');
    assert.match(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8'), /^MIT License\n/);
    assert.match(fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8'), new RegExp(`## \\[${pkg.version.replace(/\./g, '\\.')}\\]`));
    for (const file of ['LICENSE', 'CHANGELOG.md']) assert.ok(pkg.files.includes(file), `${file} ships`);
  });

  it('asks for no older Node than node-gyp (the build from source) needs', () => {
    const gyp = lowestPerMajor((JSON.parse(fs.readFileSync(require.resolve('node-gyp/package.json'), 'utf8')) as PackageJson).engines.node);
    const atLeast = (a: number[], b: number[]) => a[1] > b[1] || (a[1] === b[1] && a[2] >= b[2]);
    for (const [major, lowest] of lowestPerMajor(pkg.engines.node)) {
      // A major line node-gyp names must start no lower; one it does not name must be above all it names.
      const needed = gyp.get(major);
      if (needed) assert.ok(atLeast(lowest, needed), `engines admits Node ${lowest.join('.')}, node-gyp needs ${needed.join('.')}`);
      else
        assert.ok(
          [...gyp.keys()].every((m) => m < major),
          `engines admits Node ${major}, which node-gyp does not`,
        );
    }
  });

  it('ships the sources its source maps point to', () => {
    const map = JSON.parse(fs.readFileSync(path.join(ROOT, 'dist', 'lib', 'dvr', 'node.js.map'), 'utf8')) as { sources: string[] };
    for (const source of map.sources) {
      const shipped = path.relative(ROOT, path.resolve(ROOT, 'dist', 'lib', 'dvr', source));
      assert.ok(
        pkg.files.some((f) => shipped === f || shipped.startsWith(`${f}/`)),
        `${shipped} is not in "files"`,
      );
    }
  });

  it('has every `npm run` script that README, the scripts, the tests and CI name', () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const files = [
      'README.md',
      'CHANGELOG.md',
      '.ci/run',
      ...['scripts', 'lib', 'test'].flatMap((dir) => sourcesUnder(path.join(ROOT, dir))),
    ];
    const named = new Set<string>();
    for (const file of files) {
      for (const m of fs
        .readFileSync(path.isAbsolute(file) ? file : path.join(ROOT, file), 'utf8')
        .matchAll(/npm run ([a-z][a-z:-]*[a-z])/g))
        named.add(m[1]);
    }
    assert.ok(named.has('storm') && named.has('soak'), `found only ${[...named].join(', ')}`);
    const missing = [...named].filter((name) => !Object.hasOwn(scripts, name));
    assert.deepEqual(missing, [], 'named but not in package.json scripts');
  });

  it('names every errno Node knows in the ErrnoCode union, and names unknown ones by number', () => {
    assert.deepEqual([...ERRNO_NAMES].sort(), Object.keys(os.constants.errno).sort());
    assert.equal(errnoName(os.constants.errno.EEXIST), 'EEXIST');
    assert.equal(errnoName(os.constants.errno.EDQUOT), 'EDQUOT'); // libuv has no name for it; the system does
    assert.equal(errnoName(4000), 'E4000');
  });

  for (const resolution of ['node10', 'node16', 'bundler'] as const) {
    it(`resolves nlroute and nlroute/dvr, types included, under moduleResolution ${resolution}`, function () {
      this.timeout(60_000);
      const project = fs.mkdtempSync(path.join(os.tmpdir(), 'nlroute-types-'));
      try {
        fs.mkdirSync(path.join(project, 'node_modules'));
        fs.symlinkSync(ROOT, path.join(project, 'node_modules', 'nlroute'));
        const file = path.join(project, 'user.ts');
        fs.writeFileSync(
          file,
          [
            "import { open, type NetlinkError, type NetlinkErrorDetails, type Rules, type Routes, type RuleSpec } from 'nlroute';",
            "import { DvrNode, type DvrNodeOptions, type ExtraRoute } from 'nlroute/dvr';",
            'export const used: [typeof open, typeof DvrNode] = [open, DvrNode];',
            'export type Used = [NetlinkErrorDetails, Rules, Routes, RuleSpec, DvrNodeOptions, ExtraRoute];',
            // NetlinkError.code is the union of errno names: a misspelt one does not compile.
            "export const known: NetlinkError['code'] = 'EEXIST';",
            '// @ts-expect-error',
            "export const misspelt: NetlinkError['code'] = 'EEXISTS';",
          ].join('\n'),
        );
        const options: ts.CompilerOptions = {
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
          ...(resolution === 'node10'
            ? { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 }
            : resolution === 'node16'
              ? { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 }
              : { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler }),
        };
        const program = ts.createProgram([file], options);
        const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        assert.deepEqual(problems, []);
      } finally {
        fs.rmSync(project, { recursive: true, force: true });
      }
    });
  }
});
