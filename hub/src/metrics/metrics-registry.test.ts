import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from './metrics-registry.js';

describe('MetricsRegistry', () => {
  it('hands a module the metric another module already defined under that name', () => {
    const registry = new MetricsRegistry();
    const first = registry.gauge({ name: 'flotilla_things', help: 'things', labelNames: ['app'] });
    expect(registry.gauge({ name: 'flotilla_things', help: 'things', labelNames: ['app'] })).toBe(first);
  });

  it('refuses the same name with another type or other labels, and names without the prefix', () => {
    const registry = new MetricsRegistry();
    registry.gauge({ name: 'flotilla_things', help: 'things', labelNames: ['app'] });
    expect(() => registry.counter({ name: 'flotilla_things', help: 'things', labelNames: ['app'] })).toThrow(/already defined as a Gauge/);
    expect(() => registry.gauge({ name: 'flotilla_things', help: 'things', labelNames: ['cluster'] })).toThrow(/labels \[app\]/);
    expect(() => registry.gauge({ name: 'things', help: 'things' })).toThrow(/must start with flotilla_/);
  });
});
