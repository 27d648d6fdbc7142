import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { fromBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { loadFileDescriptorProtos } from './loader.js';

describe('loadFileDescriptorProtos', () => {
  const files = loadFileDescriptorProtos().map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes));
  const byName = new Map(files.map((file) => [file.name, file]));

  it('gives every .proto file under its own name, google/protobuf/timestamp.proto included', () => {
    expect([...byName.keys()].sort()).toEqual(['flotilla/v1/agent.proto', 'flotilla/v1/common.proto', 'flotilla/v1/status.proto', 'google/protobuf/timestamp.proto']);
  });

  it('lists each file’s imports as its dependencies, so a strict client can resolve every type', () => {
    expect(byName.get('flotilla/v1/status.proto')?.dependency).toEqual(['flotilla/v1/common.proto', 'google/protobuf/timestamp.proto']);
    for (const file of files) for (const dependency of file.dependency) expect(byName.has(dependency), `${file.name} imports ${dependency}`).toBe(true);
  });

  it('names message types fully qualified, as descriptors must', () => {
    const fields = files.flatMap((file) => file.messageType.flatMap((message) => message.field));
    expect(fields.some((field) => field.typeName === '.google.protobuf.Timestamp')).toBe(true);
  });
});
