// The flotilla.v1 wire contract: generated message types, codecs and grpc-js service definitions (ts-proto),
// plus proto-loader settings for servers built on @grpc/proto-loader. Map to core types at the edges only.
export * from './gen/flotilla/v1/common.pb.js';
export * from './gen/flotilla/v1/agent.pb.js';
export * from './gen/flotilla/v1/status.pb.js';
export { Timestamp } from './gen/google/protobuf/timestamp.pb.js';
export * from './loader.js';
export { fromTimestamp, toTimestamp } from './timestamp.js';
