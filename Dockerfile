# syntax=docker/dockerfile:1
# Node 26: the Active LTS line (LTS since 2026-10-28); its images default to Debian 13 (trixie).
# Build stage: compile TypeScript; dependency install scripts are not needed (npm 11 blocks them too).
FROM node:26-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
# better-sqlite3 (the job store, DATA_DIR) is the one native module: fetch its prebuilt binary or compile it.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/* \
  && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json codegen.yml ./
COPY schema schema
COPY scripts scripts
COPY src src
RUN npm run build && npm prune --omit=dev --ignore-scripts

# Production stage (the default target, last below): compiled code, production dependencies and
# the SDL, without the embedded sandbox or its starter data, so set ENCODE_URL/GDC_URL (see README
# "Docker"). `docker build --target with-sandbox` builds the try-it-out image that carries both.
FROM node:26-trixie-slim AS base
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="submission-gateway" \
      org.opencontainers.image.description="One GraphQL API over the ENCODE Portal and the NCI GDC Submission API" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="$VERSION" \
      org.opencontainers.image.revision="$REVISION"
# HOST=0.0.0.0: reachable from outside the container. Set GATEWAY_API_KEYS before giving it
# DCC_API_KEY/GDC_TOKEN: without keys, a gateway open to the network lends them to nobody.
ENV NODE_ENV=production PORT=4000 HOST=0.0.0.0 DATA_DIR=/app/.data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build --exclude=src/sandbox /app/dist dist
COPY schema schema
EXPOSE 4000
# Liveness, not readiness: /healthz answers while the process serves. /readyz (upstreams answering)
# is for load balancers; as a HEALTHCHECK an ENCODE outage would mark every container unhealthy and
# an orchestrator would restart healthy gateways. The gateway drains on SIGTERM (SHUTDOWN_GRACE_MS).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
STOPSIGNAL SIGTERM
# As `npm start` runs it (package.json; test/unit/start-command.test.ts keeps the two the same).
CMD ["node", "--heap-growing-percent=200", "dist/src/server.js"]

# The try-it-out image: the embedded sandbox (compiled) and its starter data on top.
FROM base AS with-sandbox
COPY --from=build /app/dist/src/sandbox dist/src/sandbox
COPY src/sandbox/starter src/sandbox/starter
COPY data data
RUN mkdir -p /app/.data && chown node /app/.data
USER node

FROM base AS production
USER node
