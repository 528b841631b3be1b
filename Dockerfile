# syntax=docker/dockerfile:1
# The tabula prediction server.
#
#   docker build -t tabula:dev .                                  # no model inside: mount one (see k8s/)
#   docker build --build-arg MODEL_NAME=boston --build-arg MODEL_VERSION=<v> -t tabula:<v> --target with-model .
#   docker build -t tabula-pipeline:<v> --target pipeline .        # the pipeline (k8s/jobs/tune runs its shards)
#
# NODE_IMAGE lets a machine without Docker Hub supply its own Node 24 base (scripts/ci/local-base-image.sh).
ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Every native package ships prebuilt N-API binaries (the prediction log uses Node's own node:sqlite), so nothing
# compiles. onnxruntime-node's install script only fetches GPU providers, which the server never uses.
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json ./
# Install scripts are off, as package.json's allowScripts says.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY scripts/build.mjs scripts/ci/runtime-modules.mjs scripts/
COPY src src
COPY serve serve
# The server is bundled; only the native packages it leaves external (scripts/build.mjs) go into the image.
RUN node scripts/build.mjs \
 && node scripts/runtime-modules.mjs /runtime onnxruntime-node

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
RUN groupadd --system --gid 10001 tabula \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin tabula \
 && mkdir -p /var/lib/tabula \
 && chown 10001:10001 /var/lib/tabula
COPY --from=build /app/package.json ./
COPY --from=build /runtime/node_modules node_modules
COPY --from=build /app/dist/serve* dist/
# The server writes only to SERVE_DATA_DIR (the prediction log), so the root filesystem can be read-only.
# A young generation of at most 8 MB per semi-space (V8's default lets it grow to 16): 40-70 MB less peak RSS under
# load at no measured CPU cost (serve/README.md).
# glibc serves allocations of 64 KB and more (the log's batches, large bodies and tensors) with their own mappings,
# given back when freed: by default its threshold rises to the largest block freed so far, and such blocks then come
# from the main heap, which only grows (≈ 25-45 MB less peak RSS under 100-row load, serve/README.md).
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=8 \
    MALLOC_MMAP_THRESHOLD_=65536 \
    MALLOC_TRIM_THRESHOLD_=131072 \
    SERVE_HOST=0.0.0.0 \
    SERVE_PORT=8080 \
    SERVE_DATA_DIR=/var/lib/tabula \
    SERVE_MODEL=/models/current
USER 10001:10001
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.SERVE_PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/serve.js"]

# The same image with one registry version baked in: models/<MODEL_NAME>/<MODEL_VERSION>/ becomes the model dir.
FROM runtime AS with-model
ARG MODEL_NAME
ARG MODEL_VERSION
LABEL org.opencontainers.image.title="tabula" \
      dev.tabula.model.name="${MODEL_NAME}" \
      dev.tabula.model.version="${MODEL_VERSION}"
COPY models/${MODEL_NAME}/${MODEL_VERSION}/ /app/model/
ENV SERVE_MODEL=/app/model

# The pipeline itself (stages, params, raw data, all dependencies): what k8s/jobs/tune runs, one shard per pod.
FROM build AS pipeline
RUN groupadd --system --gid 10001 tabula \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin tabula
COPY bin bin
COPY stages stages
COPY params.yaml pipeline.yaml tsconfig.json ./
COPY data/raw data/raw
ENV NODE_ENV=production
USER 10001:10001
CMD ["node", "bin/tabula.js", "repro"]
