import { describe, expect, it } from 'vitest';
import { splitYamlDocuments } from './split-yaml-documents.js';

describe('splitting a YAML stream into documents', () => {
  it('cuts before each --- line and says where each document starts', () => {
    const stream = 'a: 1\n---\nb: 2\n--- # c\nc: |\n  ---\n  not a marker\n';
    expect(splitYamlDocuments(stream)).toEqual([
      { text: 'a: 1\n', line: 1 },
      { text: '---\nb: 2\n', line: 2 },
      { text: '--- # c\nc: |\n  ---\n  not a marker\n', line: 4 },
    ]);
  });

  it('keeps a directive with the document it introduces', () => {
    expect(splitYamlDocuments('%YAML 1.2\n---\na: 1\n---\nb: 2')).toEqual([
      { text: '%YAML 1.2\n---\na: 1\n', line: 1 },
      { text: '---\nb: 2', line: 4 },
    ]);
  });

  it('gives the stream back when the texts are joined', () => {
    const stream = '---\r\na: 1\r\n---\r\n---\nb: ---x\n';
    expect(splitYamlDocuments(stream).map((d) => d.text).join('')).toBe(stream);
    expect(splitYamlDocuments('')).toEqual([{ text: '', line: 1 }]);
  });
});
