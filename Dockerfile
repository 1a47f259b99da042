# sincro's hub: `sincro start` against the PostgreSQL named by DATABASE_URL
# (docker-compose.yml sets it). Without DATABASE_URL it would start an embedded
# PostgreSQL inside the container, which is not what a container is for.
FROM node:20-bookworm-slim

WORKDIR /app

# Dependencies first, so that code changes do not reinstall them. ts-node and
# typescript are devDependencies but the CLI runs through ts-node: install all,
# exactly as package-lock.json says (as in .ci/run).
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm cache clean --force

COPY . .

USER node

# What `npx sincro start` runs, without npm in between: `docker stop`'s SIGTERM
# reaches sincro directly, which stops its services before exiting.
CMD ["node", "bin/sincro", "start"]
