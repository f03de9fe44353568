# syntax=docker/dockerfile:1
# The portal's image: web (gunicorn), worker and scheduler use the same image
# with different commands (see compose.yaml). Configured only by environment.

# --- build: wheels for the portal and its dependencies -------------------------
FROM python:3.12-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY portal ./portal
COPY knowledge ./knowledge
COPY working_groups ./working_groups
COPY forums ./forums
COPY search ./search
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install --upgrade pip \
 && /opt/venv/bin/pip install .

# --- runtime: no compilers, a non-root user ------------------------------------
FROM python:3.12-slim-bookworm AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production \
    STATIC_ROOT=/srv/portal/static \
    MEDIA_ROOT=/srv/portal/media \
    PORTAL_VAR_DIR=/srv/portal/var
RUN groupadd --system portal && useradd --system --gid portal --home /srv/portal portal \
 && mkdir -p /srv/portal/static /srv/portal/media /srv/portal/var /app \
 && chown -R portal:portal /srv/portal
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY manage.py Procfile ./
COPY deploy ./deploy
COPY templates ./templates
COPY static ./static
COPY portal ./portal
COPY knowledge ./knowledge
COPY working_groups ./working_groups
COPY forums ./forums
COPY search ./search
# collectstatic needs settings but no database or secrets.
RUN SECRET_KEY=collectstatic-only DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --noinput \
 && chown -R portal:portal /srv/portal/static
USER portal
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD ["python", "deploy/healthcheck.py"]
CMD ["gunicorn", "portal.wsgi:application", "--config", "deploy/gunicorn.conf.py"]
