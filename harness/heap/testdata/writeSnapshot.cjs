/* eslint-disable @typescript-eslint/no-require-imports -- plain CJS, run as a child process */
// Test target: holds a known number of instances of a few classes, then writes a heap snapshot
// to argv[2]. Class names include non-ASCII to exercise the string decoder.
const v8 = require('node:v8');
const count = Number(process.argv[3] || 100);
class Foo { constructor(i) { this.i = i; } }
class Ünïcødé { constructor(i) { this.i = i; } }
globalThis.__kept = [];
for (let i = 0; i < count; i++) globalThis.__kept.push(new Foo(i), new Ünïcødé(i));
v8.writeHeapSnapshot(process.argv[2]);
