# The hub image. Build from the repository root:
#   docker build -f deploy/docker/hub.Dockerfile -t flotilla/hub:0.1.0 .
# Node 20 (better-sqlite3 12 and @kubernetes/client-node 1.x are pinned for it), non-root, no shell tools needed.

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
ENV NODE_ENV=production \
    FLOTILLA_DATA_DIR=/var/lib/flotilla
WORKDIR /app
COPY --from=build /out /app
RUN mkdir -p /var/lib/flotilla && chown 10001:10001 /var/lib/flotilla
USER 10001:10001
# REST API, /healthz, /readyz, /metrics; gRPC AgentService and StatusService.
EXPOSE 8080 9090
# A young generation of at most 4 MiB per semi-space (V8's default grows to 16): 1,000 agent streams in about 230 MiB
# RSS instead of 250, the idle hub in 130 instead of 155. test/bench/fanout.bench.ts runs the hub with these flags.
ENTRYPOINT ["node", "--max-semi-space-size=4", "dist/main.js"]
