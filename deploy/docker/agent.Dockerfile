# The agent image. Build from the repository root:
#   docker build -f deploy/docker/agent.Dockerfile -t flotilla/agent:0.1.0 .
# Node 20, non-root; no Git client and no renderer (the hub renders): it needs the in-cluster service account, nothing
# else (its state and the artifacts it enforces live in its cluster).

FROM node:20-bookworm-slim AS build
RUN npm install -g pnpm@10.34.8
WORKDIR /src
COPY . .
RUN pnpm install --frozen-lockfile && pnpm build
# A self-contained directory: the agent, its workspace packages and production dependencies only.
RUN pnpm --filter @flotilla/agent deploy --prod --legacy /out

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /out /app
USER 10001:10001
# /metrics and /healthz.
EXPOSE 9100
# A young generation of at most 4 MiB per semi-space (V8's default grows to 16): an apply of 1,000 objects peaks at
# about 75 MiB RSS instead of 100, for a few more short scavenges. test/bench/apply.bench.ts runs with these flags.
ENTRYPOINT ["node", "--max-semi-space-size=4", "dist/main.js"]
