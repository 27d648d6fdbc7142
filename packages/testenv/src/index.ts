export { GitCheckout } from './git-checkout.js';
export { GitCommandError, type GitCommandErrorData } from './git-command.js';
export { startGitServer, type GitCredentials, type GitRepository, type GitServer, type GitServerOptions } from './git-server.js';
export {
  createPostgresDatabase,
  DEFAULT_POSTGRES_URL,
  isPostgresAvailable,
  PostgresUnavailableError,
  type PostgresDatabase,
  type PostgresDatabaseOptions,
} from './postgres-database.js';
export { createSqliteFile, type SqliteFile } from './sqlite-database.js';
export {
  startControlPlane,
  startControlPlanes,
  type ControlPlane,
  type ControlPlaneIdentity,
  type ControlPlaneKubeconfig,
  type ControlPlaneOptions,
  type ControlPlaneProcess,
} from './control-plane.js';
export { ControlPlaneError, type ControlPlaneErrorCode, type ControlPlaneErrorData } from './control-plane-error.js';
export { ensureKubernetesBinaries, type EnsureKubernetesBinariesOptions, type KubernetesBinaries } from './kubernetes-binaries.js';
export { metricValue, parseMetricsText, scrapeMetrics, type MetricSample } from './scrape-metrics.js';
export { ensureGrpcurl, type EnsureGrpcurlOptions, type GrpcurlBinary } from './grpcurl-binary.js';
export { ensureHelm, type EnsureHelmOptions, type HelmBinary } from './helm-binary.js';
export { ensureKwok, KWOK_STAGES_PATH, type EnsureKwokOptions, type KwokBinary } from './kwok-binary.js';
export { BROKEN_IMAGE_TAG, brokenImage } from './broken-image.js';
export type { WorkloadComponent, WorkloadOptions } from './workload-components.js';
export { ensureKustomize, type EnsureKustomizeOptions, type KustomizeBinary } from './kustomize-binary.js';
export { createTestCertificates, type CertificateFiles, type TestCertificates, type TestCertificatesOptions } from './test-certificates.js';
export { findFreePorts } from './free-ports.js';
export { SeededRandom } from './seeded-random.js';
export { proxyDatabaseUrl, startTcpProxy, type TcpProxy } from './tcp-proxy.js';
export { loadBalancerConfig, startLoadBalancer, type LoadBalancer, type LoadBalancerFrontend, type LoadBalancerOptions } from './load-balancer.js';
export { startSupervisedProcess, type SupervisedProcess, type SupervisedProcessOptions } from './supervised-process.js';
