# Rampart as a container image: a build stage compiles the server (dist/) and the web UI (web/dist/) with the
# dev dependencies, then drops them; the run stage holds only what `rampart serve` needs and runs as the
# unprivileged `node` user. Not built on the development machines (they have no Docker engine): see
# docs/deployment.md, which also says how to run it behind a TLS proxy on PostgreSQL and NATS.

FROM node:22-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles its native module when no prebuilt one fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    RAMPART_HOST=0.0.0.0 \
    RAMPART_PORT=8080 \
    RAMPART_ALLOW_PLAIN_HTTP=true \
    RAMPART_DATABASE_URL=/data/rampart.sqlite
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
COPY --from=build /app/kb ./kb
# /data: the SQLite database and secret.key beside it (a volume); /app/data: secret.key when the database is PostgreSQL
# and RAMPART_SECRET_KEY is not set (set it: every process of a hub needs the same key).
RUN mkdir -p /data /app/data && chown node:node /data /app/data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.RAMPART_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/rampart.mjs"]
CMD ["serve"]
