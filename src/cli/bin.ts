#!/usr/bin/env node
// The `libvirt-async` executable: turns on Node's compile cache, then runs the CLI (main.ts).
// An application may turn the cache on (Node >= 22.1; a library must not decide that for the
// program it is in): each command loads the library (~1 MB of JavaScript) in a fresh process, and
// with the cache V8 reads the code it compiled last time instead of parsing it again. This file
// defines no function and imports nothing of the library, so that nothing of it is compiled
// before the cache is on (test/unit/bundle.test.ts checks the bundle keeps it so). The cache lives
// where NODE_COMPILE_CACHE says, else in Node's default directory under the OS temp dir;
// NODE_DISABLE_COMPILE_CACHE=1 turns it off. Node 20 has no such function: nothing happens.

import nodeModule from 'node:module'

;(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.()
await import('./main.js')
