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

# Runtime stage: compiled code, production dependencies, the SDL and the sandbox starter data.
FROM node:26-trixie-slim
# HOST=0.0.0.0: reachable from outside the container. Set GATEWAY_API_KEYS before giving it
# DCC_API_KEY/GDC_TOKEN: without keys, a gateway open to the network lends them to nobody.
ENV NODE_ENV=production PORT=4000 HOST=0.0.0.0 DATA_DIR=/app/.data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY schema schema
COPY src/sandbox/starter src/sandbox/starter
COPY data data
RUN mkdir -p /app/.data && chown node /app/.data
USER node
EXPOSE 4000
# Ready = started, not stopping, upstreams answering. The gateway drains on SIGTERM (SHUTDOWN_GRACE_MS).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/server.js"]
