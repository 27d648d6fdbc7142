import { describe, expect, it } from 'vitest';
import { isVariableName, referencedVariables, substituteVariables } from './substitute-variables.js';

describe('variable substitution', () => {
  it('replaces ${name} with the value of the variable', () => {
    const result = substituteVariables('image: app:${tag}\nreplicas: ${cluster.replicas}\n', { tag: 'v2', 'cluster.replicas': '3' });
    expect(result.text).toBe('image: app:v2\nreplicas: 3\n');
    expect(result.errors).toEqual([]);
  });

  it('turns $${ into a literal ${', () => {
    expect(substituteVariables('script: echo $${HOME} ${x}', { x: 'y' }).text).toBe('script: echo ${HOME} y');
  });

  it('reports every undefined cluster variable with its line, since cluster.* names are Flotilla\'s', () => {
    const result = substituteVariables('a: ${cluster.labels.region}\nb: ok\nc: ${cluster.zone} ${cluster.labels.region}\n', { 'cluster.name': 'eu-1' });
    expect(result.errors.map((e) => [e.code, e.line])).toEqual([
      ['UNKNOWN_VARIABLE', 1],
      ['UNKNOWN_VARIABLE', 3],
      ['UNKNOWN_VARIABLE', 3],
    ]);
    expect(result.errors[0]?.message).toContain('"cluster.labels.region" is not defined for this cluster');
  });

  it('leaves ${...} that name no variable of the App or the cluster as written', () => {
    const text = 'a: ${datasource}\nb: ${HOME:-/root}\nc: ${1}\nd: ${\ne: ${__rate_interval}\n';
    const result = substituteVariables(text, { 'cluster.name': 'eu-1' });
    expect(result).toMatchObject({ text, errors: [] });
  });

  it('substitutes an App variable that a dashboard also uses, since the App defined it', () => {
    expect(substituteVariables('"${datasource}" ${DS_PROMETHEUS}', { datasource: 'thanos' }).text).toBe('"thanos" ${DS_PROMETHEUS}');
  });

  it('maps lines of the result back to the original when a value spans lines', () => {
    const result = substituteVariables('a: |\n  ${block}\nb: 1\n', { block: 'x\n  y\n  z' });
    expect(result.text).toBe('a: |\n  x\n  y\n  z\nb: 1\n');
    expect(result.sourceLines).toEqual([1, 2, 2, 2, 3, 4]);
  });

  it('does not look variables up on the object prototype', () => {
    expect(substituteVariables('${constructor} ${cluster.constructor}', {})).toMatchObject({ text: '${constructor} ${cluster.constructor}' });
    expect(substituteVariables('${cluster.constructor}', {}).errors).toHaveLength(1);
  });

  it('accepts names of letters, digits, _, . and - that do not start with a digit', () => {
    expect(['tag', '_x', 'a.b-c_1'].every(isVariableName)).toBe(true);
    expect(['1a', '', 'a b', 'a$', '-a'].some(isVariableName)).toBe(false);
  });

  it('names the variables a text refers to, and only those its result depends on differ between clusters', () => {
    const text = 'a: ${cluster.name}\nb: ${1} ${HOME} $${escaped}\nc: ${team}-${cluster.name}\nd: ${not valid}\n';
    expect([...referencedVariables(text)].sort()).toEqual(['HOME', 'cluster.name', 'escaped', 'team']);
    // Two clusters that agree on the named variables get the same text, whatever else they define.
    const one = substituteVariables(text, { 'cluster.name': 'x', team: 't', 'cluster.labels.zone': 'a' });
    const two = substituteVariables(text, { 'cluster.name': 'x', team: 't', 'cluster.labels.zone': 'b', other: 'y' });
    expect(two.text).toBe(one.text);
  });
});
