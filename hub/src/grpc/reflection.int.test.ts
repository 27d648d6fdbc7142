import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, TEST_ADMIN_TOKEN, type TestHub } from '../testing/start-test-hub.js';

// The reflection protocol's own definition ships with @grpc/reflection, the package that serves it.
const reflectionProto = join(dirname(createRequire(import.meta.url).resolve('@grpc/reflection')), '../proto/grpc/reflection/v1/reflection.proto');

interface ReflectionResponse {
  listServicesResponse?: { service: Array<{ name: string }> };
  fileDescriptorResponse?: { fileDescriptorProto: Buffer[] };
  errorResponse?: { errorCode: number; errorMessage: string };
}

/** A reflection client doing what grpcurl does: ask over one bidi stream, one answer per question. */
class ReflectionClient {
  private readonly call: grpc.ClientDuplexStream<object, ReflectionResponse>;
  private readonly answers: Array<(response: ReflectionResponse) => void> = [];

  constructor(address: string) {
    const definition = protoLoader.loadSync(reflectionProto, { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true });
    const { ServerReflection } = (grpc.loadPackageDefinition(definition).grpc as grpc.GrpcObject & { reflection: { v1: grpc.GrpcObject } }).reflection.v1 as {
      ServerReflection: grpc.ServiceClientConstructor;
    };
    const client = new ServerReflection(address, grpc.credentials.createInsecure());
    this.call = (client as unknown as { serverReflectionInfo(): grpc.ClientDuplexStream<object, ReflectionResponse> }).serverReflectionInfo();
    this.call.on('data', (response: ReflectionResponse) => this.answers.shift()?.(response));
    this.call.on('error', () => undefined);
  }

  ask(question: object): Promise<ReflectionResponse> {
    return new Promise((resolve) => {
      this.answers.push(resolve);
      this.call.write(question);
    });
  }

  close(): void {
    this.call.end();
  }
}

/** A FileDescriptorSet (field 1: repeated FileDescriptorProto) from serialized FileDescriptorProtos. */
function descriptorSet(files: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const file of files) {
    const length: number[] = [];
    for (let n = file.length; ; n >>>= 7) {
      if (n < 0x80) {
        length.push(n);
        break;
      }
      length.push((n & 0x7f) | 0x80);
    }
    parts.push(Buffer.from([0x0a, ...length]), file);
  }
  return Buffer.concat(parts);
}

describe('gRPC server reflection on the hub', () => {
  let hub: TestHub;
  let reflection: ReflectionClient;

  beforeAll(async () => {
    hub = await startTestHub('sqlite');
    await hub.api().post('/api/v1/clusters').send({ name: 'eu-1', labels: { env: 'prod' } }).expect(201);
    reflection = new ReflectionClient(hub.grpcAddress);
  });
  afterAll(async () => {
    reflection?.close();
    await hub?.stop();
  });

  it('lists the flotilla.v1 services (grpcurl list)', async () => {
    const answer = await reflection.ask({ listServices: '' });
    expect(answer.listServicesResponse?.service.map((s) => s.name)).toEqual(expect.arrayContaining(['flotilla.v1.AgentService', 'flotilla.v1.StatusService']));
  });

  it('describes StatusService well enough to call Watch with no .proto file at hand (grpcurl describe, then call)', async () => {
    // Ask for the file declaring the service, then for every file it imports, as grpcurl does.
    const files = new Map<string, Buffer>();
    const pending: Array<object> = [{ fileContainingSymbol: 'flotilla.v1.StatusService' }];
    while (pending.length > 0) {
      const answer = await reflection.ask(pending.shift() as object);
      expect(answer.errorResponse).toBeFalsy();
      for (const bytes of answer.fileDescriptorResponse?.fileDescriptorProto ?? []) {
        const name = readFileName(bytes);
        if (files.has(name)) continue;
        files.set(name, bytes);
        for (const dependency of readDependencies(bytes)) if (!files.has(dependency)) pending.push({ fileByFilename: dependency });
      }
    }
    // @grpc/reflection serves one synthesized file per package (flotilla_v1.proto, google_protobuf.proto).
    expect(files.size).toBeGreaterThanOrEqual(2);

    const definition = protoLoader.loadFileDescriptorSetFromBuffer(descriptorSet([...files.values()]), { longs: Number, enums: String, defaults: true, oneofs: true });
    const v1 = (grpc.loadPackageDefinition(definition).flotilla as grpc.GrpcObject).v1 as grpc.GrpcObject;
    const StatusService = v1.StatusService as grpc.ServiceClientConstructor;
    const client = new StatusService(hub.grpcAddress, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
      watch(request: object, metadata: grpc.Metadata): grpc.ClientReadableStream<Record<string, unknown>>;
    };
    const events: Array<Record<string, unknown>> = [];
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${TEST_ADMIN_TOKEN}`);
    const call = client.watch({}, metadata);
    await new Promise<void>((resolve, reject) => {
      call.on('data', (event: Record<string, unknown>) => {
        events.push(event);
        if (event.snapshotComplete) resolve();
      });
      call.on('error', reject);
    });
    call.cancel();
    client.close();
    // Decoded from reflected descriptors alone, a map field comes back as its entries.
    expect(events[0]).toMatchObject({ event: 'clusterSnapshot', clusterSnapshot: { name: 'eu-1', labels: [{ key: 'env', value: 'prod' }] } });
  });
});

/** Field 1 (name) of a serialized FileDescriptorProto. */
function readFileName(bytes: Buffer): string {
  return readStringFields(bytes, 1)[0] ?? '';
}

/** Field 3 (dependency) of a serialized FileDescriptorProto. */
function readDependencies(bytes: Buffer): string[] {
  return readStringFields(bytes, 3);
}

/** The length-delimited fields with this number at the top level of a message. */
function readStringFields(bytes: Buffer, field: number): string[] {
  const values: string[] = [];
  let offset = 0;
  const varint = (): number => {
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[offset++] as number;
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
    }
  };
  while (offset < bytes.length) {
    const key = varint();
    const type = key & 7;
    if (type === 0) varint();
    else if (type === 1) offset += 8;
    else if (type === 5) offset += 4;
    else if (type === 2) {
      const length = varint();
      if (key >>> 3 === field) values.push(bytes.subarray(offset, offset + length).toString('utf8'));
      offset += length;
    } else throw new Error(`unexpected wire type ${type}`);
  }
  return values;
}
