#!/usr/bin/env node
// The `nlroute` command (package.json "bin"). The CLI itself is lib/cli/main.ts.
'use strict';
require('../dist/lib/cli/main.js').run();
