// `seep judge --prometheus <url> ...`: series read from Prometheus judged as a soak judges them
// (judgePrometheus.ts). seep judge once also read the pytest plugin's observations documents; the
// plugin's tests now run through seep's engine (`seep caller`), and nothing writes those documents.
import type { ExitCode } from '../report/runReportSchema.ts';
import { UsageError, type Values } from './options.ts';

export async function judgeCommand(args: string[], values: Values): Promise<ExitCode> {
  if (values.prometheus === undefined) {
    throw new UsageError(`seep judge judges series from Prometheus: give --prometheus <url>${args[0] ? `, not '${args[0]}'` : ''}`);
  }
  return (await import('./judgePrometheus.ts')).judgePrometheusCommand(args, values);
}
