# syntax=docker/dockerfile:1
# ESCAP image: build the Svelte client, then a slim runtime with production dependencies only.
# The server runs as one bundled ES module (scripts/build-server.mjs) with plain Node.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:20-bookworm-slim AS runtime
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
USER node
EXPOSE 3000
# The same flags as scripts/node-flags.mjs (why: there).
CMD ["node", "--enable-source-maps", "server/dist/main.mjs"]
