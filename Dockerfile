# syntax=docker/dockerfile:1
# ESCAP image: build the Svelte client, then a slim runtime with production dependencies only.
# The server runs as one bundled ES module (scripts/build-server.mjs) with plain Node.
# Node 22, a supported LTS (Node 20's life ended in April 2026); the code also runs on Node 20.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only: neither embedded database (both are devDependencies, loaded
# only without MONGODB_URI, which production requires; docs/database.md).
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/server/dist ./server/dist
COPY --from=build /app/client/dist ./client/dist
# Serve the built client from the same origin as the API.
ENV CLIENT_DIST=client/dist
# Not root; the files above stay root's, read-only to the app (docker-compose.yml also runs the
# container with a read-only root file system: the app writes nothing to disk).
USER node
EXPOSE 3000
# The same flags as scripts/node-flags.mjs (why: there).
CMD ["node", "--enable-source-maps", "server/dist/main.mjs"]
