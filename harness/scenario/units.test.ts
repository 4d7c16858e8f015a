import { describe, expect, it } from 'vitest';
import { parseCountLimit, parseDuration, parseRate, parseSize, parseSizeRate, parseStepTimeRate, UnitError } from './units.ts';

describe('units', () => {
  it('parses decimal and binary sizes', () => {
    expect(parseSize('50MB')).toBe(50_000_000);
    expect(parseSize('100 KB')).toBe(100_000);
    expect(parseSize('1.5GiB')).toBe(1.5 * 1024 ** 3);
    expect(parseSize('64kb')).toBe(64_000);
  });
  it('rejects sizes it cannot read, saying what it expected', () => {
    expect(() => parseSize('50 MiBs')).toThrow(UnitError);
    expect(() => parseSize('50 MiBs')).toThrow(/expected a size such as '50MB'/);
    expect(() => parseSize('MB')).toThrow(UnitError);
    expect(() => parseSize('-5MB')).toThrow(UnitError);
  });
  it('parses durations, rates and size rates', () => {
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(() => parseDuration('soon')).toThrow(UnitError);
    expect(parseRate('10/s')).toBe(10);
    expect(parseRate('600/min')).toBe(10);
    expect(parseSizeRate('5MB/h')).toEqual({ bytes: 5e6, perMs: 3_600_000 });
    expect(() => parseSizeRate('5MB')).toThrow(UnitError);
  });
  it('parses count limits', () => {
    expect(parseCountLimit('baseline')).toEqual({ kind: 'baseline', plus: 0 });
    expect(parseCountLimit('baseline+2')).toEqual({ kind: 'baseline', plus: 2 });
    expect(parseCountLimit(3)).toEqual({ kind: 'absolute', max: 3 });
    expect(() => parseCountLimit('base')).toThrow(UnitError);
    expect(() => parseCountLimit(-1)).toThrow(UnitError);
  });
  it('parses a slope of step time per so many steps', () => {
    expect(parseStepTimeRate('5ms/100 steps')).toEqual({ msPerStep: 0.05, steps: 100 });
    expect(parseStepTimeRate('1ms/step')).toEqual({ msPerStep: 1, steps: 1 });
    expect(parseStepTimeRate('20ms per 100 steps')).toEqual({ msPerStep: 0.2, steps: 100 });
    expect(parseStepTimeRate('1s / 1000 steps')).toEqual({ msPerStep: 1, steps: 1000 });
    expect(() => parseStepTimeRate('5ms')).toThrow(/expected a slope of step time such as '5ms\/100 steps'/);
    expect(() => parseStepTimeRate('fast/100 steps')).toThrow(UnitError);
    expect(() => parseStepTimeRate('5ms/0 steps')).toThrow(UnitError);
  });
});
