// Types of `require('seep')`: the same as the ES module's (index.ts).
import type { Scenario } from './index.js' with { 'resolution-mode': 'import' };
export type * from './index.js';
export declare function defineScenario(s: Scenario): Scenario;
