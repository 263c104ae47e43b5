// Where the package is installed: the directory holding package.json, build/ and
// prebuilds/. Compiled, this file is dist/lib/package-root.js; the command's bundle
// (scripts/bundle-cli.js) is dist/lib/cli.bundle.js, at the same depth, so __dirname
// gives the same answer whether the code runs from the modules or from the bundle.
import * as path from 'node:path';

export const PACKAGE_ROOT = path.join(__dirname, '..', '..');
