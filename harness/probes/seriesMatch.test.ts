import { describe, expect, it } from 'vitest';
import { matchingSeries } from './seriesMatch.ts';

const s = (labels: Record<string, string>) => ({ labels });

describe('matchingSeries', () => {
  it("finds kube-state-metrics' limit of a cAdvisor working set: same pod and container, another job and instance", () => {
    const workingSet = { __name__: 'container_memory_working_set_bytes', namespace: 'shop', pod: 'orders-7f9-b', container: 'app', job: 'kubelet', instance: '10.0.0.3:10250', id: '/kubepods/x' };
    const limits = [
      s({ __name__: 'kube_pod_container_resource_limits', namespace: 'shop', pod: 'orders-7f9-a', container: 'app', resource: 'memory', unit: 'byte', job: 'kube-state-metrics', instance: '10.0.0.9:8080' }),
      s({ __name__: 'kube_pod_container_resource_limits', namespace: 'shop', pod: 'orders-7f9-b', container: 'app', resource: 'memory', unit: 'byte', job: 'kube-state-metrics', instance: '10.0.0.9:8080' }),
      s({ __name__: 'kube_pod_container_resource_limits', namespace: 'shop', pod: 'orders-7f9-b', container: 'sidecar', resource: 'memory', unit: 'byte', job: 'kube-state-metrics', instance: '10.0.0.9:8080' }),
    ];
    expect(matchingSeries(workingSet, limits)).toBe(limits[1]);
  });

  it('the start time of the same exporter: the one with the same instance', () => {
    const rss = { __name__: 'process_resident_memory_bytes', instance: '127.0.0.1:9102', job: 'orders' };
    const starts = ['9101', '9102', '9103'].map((p) => s({ __name__: 'process_start_time_seconds', instance: `127.0.0.1:${p}`, job: 'orders' }));
    expect(matchingSeries(rss, starts)).toBe(starts[1]);
  });

  it('a limit with no labels belongs to every series when it is the only one; two that tie belong to none', () => {
    const one = [s({})];
    expect(matchingSeries({ instance: 'a' }, one)).toBe(one[0]);
    expect(matchingSeries({ instance: 'a', job: 'x' }, [s({ job: 'x' }), s({ job: 'x' })])).toBeNull();
    expect(matchingSeries({ pod: 'a' }, [s({ pod: 'b' })])).toBeNull();
  });
});
