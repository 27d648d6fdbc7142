import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import * as protoLoader from '@grpc/proto-loader';

/**
 * Directory holding the `.proto` files (`flotilla/v1/*.proto`), for proto-loader, NestJS and reflection: the
 * repository's top-level `proto/`, or `proto/` inside this package where a deployment copies it (deploy/docker).
 */
export const PROTO_DIR = [new URL('../../../proto', import.meta.url), new URL('../proto', import.meta.url)]
  .map((url) => fileURLToPath(url))
  .find((dir) => existsSync(`${dir}/flotilla/v1/agent.proto`)) ?? fileURLToPath(new URL('../../../proto', import.meta.url));

/** The files that define the flotilla.v1 services, relative to PROTO_DIR. */
export const PROTO_FILES = ['flotilla/v1/agent.proto', 'flotilla/v1/status.proto'] as const;

/** The gRPC package every service lives in. */
export const PROTO_PACKAGE = 'flotilla.v1';

/**
 * proto-loader options matching the generated ts-proto types: camelCase fields, enums as their names,
 * 64-bit integers as numbers, defaults filled in. Unset message fields come out as `null` (ts-proto types
 * say `undefined`): treat both as absent.
 */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

/** Largest message either side accepts, in bytes (a status report of a large App fits well within it). */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Loads the flotilla.v1 services with proto-loader, for servers built on it (NestJS) and for reflection. */
export function loadPackageDefinition(): protoLoader.PackageDefinition {
  return protoLoader.loadSync([...PROTO_FILES], PROTO_LOADER_OPTIONS);
}

/**
 * The compiled descriptors of the `.proto` files (a FileDescriptorSet written by `buf build`, committed beside the
 * generated code and kept fresh by `pnpm proto:generate`): every file under its own name with its real dependency
 * list, google/protobuf/timestamp.proto included.
 */
export const DESCRIPTOR_SET_FILE = fileURLToPath(new URL('../descriptors/flotilla-v1.binpb', import.meta.url));

/**
 * The serialized FileDescriptorProtos of the flotilla.v1 files and everything they import, for gRPC server reflection.
 * proto-loader's own descriptors merge the files of a package into one synthesized file (`flotilla_v1.proto`) that
 * names no dependency, which strict clients such as grpcurl cannot resolve Timestamp fields against.
 */
export function loadFileDescriptorProtos(): Buffer[] {
  return splitFileDescriptorSet(readFileSync(DESCRIPTOR_SET_FILE));
}

/** The serialized files (field 1, repeated) of a serialized FileDescriptorSet. */
function splitFileDescriptorSet(bytes: Uint8Array): Buffer[] {
  const reader = new BinaryReader(bytes);
  const files: Buffer[] = [];
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === WireType.LengthDelimited) files.push(Buffer.from(reader.bytes()));
    else reader.skip(wireType);
  }
  return files;
}
