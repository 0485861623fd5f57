# calbridge: one image for the api, the worker and the CLI (migrations, demo data, tokens).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
USER node
EXPOSE 3000
# Override per service: the worker runs dist/apps/worker/apps/worker/src/main.js,
# one-off tasks run dist/apps/cli/apps/cli/src/main.js <migrate|seed|token>.
CMD ["node", "--enable-source-maps", "dist/apps/api/apps/api/src/main.js"]
