# Border Watch: the bot, ready for PostgreSQL, webhooks and the HTTP endpoint.
#   docker build -t borderwatch .
#   docker run --env-file .env -p 127.0.0.1:8080:8080 borderwatch
# Migrations run at every start (or alone: `docker run ... borderwatch migrate`).

FROM python:3.11-slim-bookworm AS build
# A compiler only in this stage, in case a dependency has no wheel for the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
RUN pip install --no-cache-dir --prefix=/install '.[postgres]'

FROM python:3.11-slim-bookworm
RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin borderwatch \
 && mkdir -p /app/data \
 && chown borderwatch:borderwatch /app/data
COPY --from=build /install /usr/local
WORKDIR /app
USER borderwatch
# The endpoint must be reachable from outside the container (publish it on loopback or
# behind a proxy); JSON logs for the collector. Both can be overridden.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HTTP_LISTEN=0.0.0.0 \
    HTTP_PORT=8080 \
    LOG_FORMAT=json
# 8080: /healthz, /metrics, /incidents.atom; 8443: the webhook (behind a TLS proxy).
EXPOSE 8080 8443
# SQLite (the default DATABASE_URL) lives here; with PostgreSQL the volume stays empty.
VOLUME ["/app/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"
STOPSIGNAL SIGTERM
ENTRYPOINT ["borderwatch"]
CMD ["run"]
