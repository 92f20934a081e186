# syntax=docker/dockerfile:1
# The oidc-provider example authorization server (examples/auth-server) for docker-compose.
# Build context: the repository root (npm workspaces); auth-server.Dockerfile.dockerignore beside
# this file keeps node_modules, build output and git data out of the context.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY . .
# --ignore-scripts: no install script may download anything (the root's `node` devDependency would);
# the workspace package is built with the root's TypeScript, then dev dependencies are dropped.
RUN npm ci --ignore-scripts \
 && npm run build -w oauth-otel \
 && npm prune --omit=dev --ignore-scripts

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/packages/oauth-otel/package.json ./packages/oauth-otel/package.json
COPY --from=build /src/packages/oauth-otel/dist ./packages/oauth-otel/dist
COPY --from=build /src/examples/auth-server ./examples/auth-server
USER node
# 3001: the authorization server and protected resource; 9464: oauth-otel's Prometheus exporter
# (internal network only, not published).
EXPOSE 3001 9464
CMD ["node", "examples/auth-server/src/main.mjs"]
