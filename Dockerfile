# syntax=docker/dockerfile:1
# The delayed-action service. The build stage compiles src/ and migrations/ and bundles the
# dashboard (dashboard/ and its build script: the only sources .dockerignore lets in; no bench/,
# no test/) and prunes dev dependencies; the runtime stage gets
# the compiled output and production node_modules, owned by root, and runs as a numeric non-root
# user so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.

FROM node:24-bookworm-slim AS build
WORKDIR /app
ENV CI=true npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY dashboard ./dashboard
COPY scripts/build-dashboard.mjs ./scripts/
RUN npm run build \
  && test ! -e dist/bench && test ! -e dist/test \
  && npm prune --omit=dev --ignore-scripts

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000 HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# uid/gid 1000 is the base image's `node` user; the app only reads its files.
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# A larger young generation (64 MiB semi-spaces, V8's default is 16): fewer short-lived objects
# reach the old generation, whose collections were the p99 tail (docs/performance.md). Keep in
# step with package.json "start", which the benchmark runs.
CMD ["node", "--max-semi-space-size=64", "dist/src/app/main.js"]
