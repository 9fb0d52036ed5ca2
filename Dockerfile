# syntax=docker/dockerfile:1
# One image for both services: the default command runs the api; the worker runs the same image with
#   node dist/apps/worker/src/main.js
# and migrations with
#   npm run db:migrate
# Node 22 LTS (Node 20 left maintenance in April 2026; package.json engines still admits >=20.19 for local runs).
ARG NODE_IMAGE=node:22-bookworm-slim

# ---- build: all dependencies, Prisma client generation, TypeScript compile into dist/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
# No install scripts: nothing the project uses needs them (Prisma's engine download is not wanted: the
# client runs without a native engine and `npm run build` generates it offline).
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY prisma ./prisma
COPY scripts ./scripts
COPY libs ./libs
COPY apps ./apps
RUN npm run build

# ---- runtime: production dependencies and the compiled output only ----
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false \
    HOST=0.0.0.0 \
    PORT=3000
# A V8 heap cap well under the 300 MB a process may use: V8 otherwise grows the heap with the allocation rate
# under load (peak RSS 300-330 MB) although live data stays small (docs/scaling.md). Override freely.
ENV NODE_OPTIONS=--max-old-space-size=192
COPY package.json package-lock.json ./
# --omit=optional as well: the optional packages here are the Prisma CLI and TypeScript (optional peers of
# @prisma/client, ~250 MB the services never load) and native speed-ups with pure-JS fallbacks (msgpackr-extract).
# A future dependency that needs a platform-specific optional package at run time must drop this flag.
RUN npm ci --omit=dev --omit=optional --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY prisma ./prisma
COPY scripts ./scripts
# Files stay owned by root and read-only for the service user; the services write nothing to disk.
USER node
# api PORT, and the worker's WORKER_METRICS_PORT
EXPOSE 3000 9464
CMD ["node", "dist/apps/api/src/main.js"]
