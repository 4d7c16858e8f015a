'use strict';
// `require('seep')` from a CommonJS scenario or tool: the one runtime value of the root export,
// kept here so a CommonJS project never loads seep's ES modules (index.ts has the types).
exports.defineScenario = function defineScenario(s) {
  return s;
};
