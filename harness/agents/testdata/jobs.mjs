// Function-worker test target: runJob() keeps every Job in a module array (VARIANT=leaky) or not.
const registry = [];
class Job {
  constructor() {
    this.payload = new Array(64).fill(0);
  }
}
export function runJob() {
  const job = new Job();
  if (process.env.VARIANT === 'leaky') registry.push(job);
  return registry.length;
}
