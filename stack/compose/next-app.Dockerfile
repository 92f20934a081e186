# syntax=docker/dockerfile:1
# The Next.js example client (examples/next-app) for docker-compose: `next build`, then `next start`.
# Build context: the repository root (npm workspaces); next-app.Dockerfile.dockerignore beside this
# file keeps node_modules, build output and git data out of the context.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false \
    NEXT_TELEMETRY_DISABLED=1
COPY . .
RUN npm ci --ignore-scripts \
 && npm run build -w oauth-otel \
 && npm run build -w examples/next-app \
 && npm prune --omit=dev --ignore-scripts

FROM ${NODE_IMAGE}
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/packages/oauth-otel/package.json ./packages/oauth-otel/package.json
COPY --from=build /src/packages/oauth-otel/dist ./packages/oauth-otel/dist
COPY --from=build /src/examples/next-app ./examples/next-app
USER node
EXPOSE 3000
CMD ["node", "node_modules/next/dist/bin/next", "start", "examples/next-app", "--port", "3000", "--hostname", "0.0.0.0"]
