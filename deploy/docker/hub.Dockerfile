# The hub image. Build from the repository root:
#   docker build -f deploy/docker/hub.Dockerfile -t flotilla/hub:0.1.0 .
# Node 20 (better-sqlite3 12 and @kubernetes/client-node 1.x are pinned for it), non-root, with kustomize for rendering.

# kustomize, built from its Go module like the test environment's (packages/testenv/kustomize/build.sh, same version):
# the hub renders kustomize Apps with it. v5.8.2 is the newest release whose go.mod builds with Go 1.26.
FROM golang:1.26-bookworm AS kustomize
ARG KUSTOMIZE_VERSION=v5.8.2
RUN CGO_ENABLED=0 GOBIN=/out go install -trimpath \
      -ldflags "-s -w -X sigs.k8s.io/kustomize/api/provenance.version=kustomize/${KUSTOMIZE_VERSION}" \
      "sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}"

FROM node:20-bookworm-slim AS build
# For better-sqlite3's native module when no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
RUN npm install -g pnpm@10.34.8
WORKDIR /src
COPY . .
RUN pnpm install --frozen-lockfile && pnpm build
# A self-contained directory: the hub, its workspace packages and production dependencies only. The wire contract's
# .proto files (served to NestJS and to gRPC reflection) go inside @flotilla/proto, where its loader looks for them.
RUN pnpm --filter @flotilla/hub deploy --prod --legacy /out \
 && cp -r proto /out/node_modules/@flotilla/proto/proto

FROM node:20-bookworm-slim
# git only for kustomize's remote bases, which an App must allow; the hub's own Git access is isomorphic-git.
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    FLOTILLA_DATA_DIR=/var/lib/flotilla \
    FLOTILLA_KUSTOMIZE_PATH=/usr/local/bin/kustomize
WORKDIR /app
COPY --from=kustomize /out/kustomize /usr/local/bin/kustomize
COPY --from=build /out /app
RUN mkdir -p /var/lib/flotilla && chown 10001:10001 /var/lib/flotilla
USER 10001:10001
# REST API, /healthz, /readyz, /metrics; gRPC AgentService and StatusService.
EXPOSE 8080 9090
# A young generation of at most 4 MiB per semi-space (V8's default grows to 16): 1,000 agent streams in about 230 MiB
# RSS instead of 250, the idle hub in 130 instead of 155. The old generation grows by 20 % of what a full GC leaves
# (V8 picks up to 4x by itself): a burst of joins, connects or a fleet-wide commit leaves less garbage behind, 1,000
# streams in about 190 MiB instead of 240 and 10,000 in about 525 instead of 563, for more collections during bursts
# (test/bench/README.md). test/bench/fanout.bench.ts runs the hub with these flags.
ENTRYPOINT ["node", "--max-semi-space-size=4", "--heap-growing-percent=20", "dist/main.js"]
