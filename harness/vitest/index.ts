// `import { leakTest } from 'seep/vitest'`: leak checks written as vitest tests, run by seep's engine.
// vitest is a peer dependency: this entry imports it, the rest of seep does not.
export { leakTest, LeakAssertionError, LeakTestError, type LeakTestOptions, type LeakTestScenario } from './leakTest.ts';
export type * from '../scenario/types.ts';
