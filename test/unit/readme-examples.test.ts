// Every TypeScript block in README compiles as a user would paste it: an ES module of
// its own (top-level await, its own imports) against the package as installed, with
// --strict. The DvrNode example also runs, in test/netns/readme-dvr.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..', '..');

describe('README examples', () => {
  it('every ```ts block compiles with --strict as an ES module of its own', function () {
    this.timeout(120_000);
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((m) => ({
      code: m[1],
      line: readme.slice(0, m.index).split('\n').length,
    }));
    assert.ok(blocks.length >= 7, `only ${blocks.length} blocks found`);
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'nlroute-readme-'));
    try {
      fs.mkdirSync(path.join(project, 'node_modules'));
      fs.symlinkSync(ROOT, path.join(project, 'node_modules', 'nlroute'));
      const files = blocks.map((block, i) => {
        const file = path.join(project, `block${i}.mts`);
        fs.writeFileSync(file, `${block.code}\nexport {};\n`); // a module even without imports
        return file;
      });
      const program = ts.createProgram(files, {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        types: ['node'],
        typeRoots: [path.join(ROOT, 'node_modules', '@types')],
      });
      const problems = ts.getPreEmitDiagnostics(program).map((d) => {
        const block = blocks[files.indexOf(d.file?.fileName ?? '')];
        const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
        return `README.md:${(block?.line ?? 0) + 1 + at}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      });
      assert.deepEqual(problems, []);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });
});
