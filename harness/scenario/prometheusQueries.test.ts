import { describe, expect, it } from 'vitest';
import { defaultStepMs, metricOfQuery, presetQueries } from './prometheusQueries.ts';

describe('the --metric presets', () => {
  it('put the selector, with or without braces, in every query of the preset', () => {
    expect(presetQueries('rss', '{job="orders"}')).toEqual({ query: 'process_resident_memory_bytes{job="orders"}', metric: 'rss', start: 'process_start_time_seconds{job="orders"}' });
    expect(presetQueries('working-set', 'namespace="shop"')).toEqual({
      query: 'container_memory_working_set_bytes{container!="",container!="POD",namespace="shop"}',
      metric: 'rss',
      start: 'container_start_time_seconds{container!="",container!="POD",namespace="shop"}',
    });
    expect(presetQueries('fds')).toEqual({ query: 'process_open_fds', metric: 'fds', start: 'process_start_time_seconds', limit: 'process_max_fds' });
    expect(presetQueries('heap', 'job="api"').query).toBe('nodejs_heap_size_used_bytes{job="api"}');
  });

  it('read what a query of your own measures from its metric names', () => {
    expect(metricOfQuery('sum by (pod) (container_memory_working_set_bytes{namespace="x"})')).toBe('rss');
    expect(metricOfQuery('nodejs_heap_size_used_bytes')).toBe('heapUsed');
    expect(metricOfQuery('process_open_fds{job="x"}')).toBe('fds');
  });

  it('step: about a thousand points over the range, never under 15 s', () => {
    expect(defaultStepMs(24 * 3_600_000)).toBe(87_000);
    expect(defaultStepMs(600_000)).toBe(15_000);
  });
});
