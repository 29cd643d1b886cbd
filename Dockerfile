# syntax=docker/dockerfile:1
# Build stage: compile TypeScript; dependency install scripts are not needed (npm 11 blocks them too).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json codegen.yml ./
COPY schema schema
COPY scripts scripts
COPY src src
RUN npm run build && npm prune --omit=dev --ignore-scripts

# Runtime stage: compiled code, production dependencies, the SDL and the sandbox starter data.
FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=4000 HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY schema schema
COPY src/sandbox/starter src/sandbox/starter
COPY data data
USER node
EXPOSE 4000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/server.js"]
