# drugsite production image: gunicorn + whitenoise, non-root, model trained at build.
#   docker build -t drugsite .
#   docker run -p 8000:8000 -e DJANGO_SECRET_KEY=... -e DATABASE_URL=... drugsite
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements.txt .
RUN python -m venv /venv && /venv/bin/pip install -r requirements.txt

FROM python:3.11-slim
ENV PATH=/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_DEBUG=0 ML_ARTIFACT_DIR=/app/artifacts PORT=8000
RUN useradd --system --uid 10001 --home-dir /app drugsite
WORKDIR /app
COPY --from=build /venv /venv
COPY --chown=drugsite:drugsite . .
USER drugsite
# Static files are collected into the image; the default model is trained into it
# too, so every container of one image serves the same artifact (its sha256 is in
# the manifest). The build-time secret is a throwaway: nothing it signs is kept.
RUN export DJANGO_SECRET_KEY=build-only SQLITE_PATH=/tmp/build.sqlite3 \
 && python manage.py collectstatic --no-input -v 0 \
 && python manage.py migrate --no-input -v 0 \
 && python manage.py train_model > /app/train-report.txt \
 && rm -f /tmp/build.sqlite3*
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c \
  "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz')"
# deploy/start.sh migrates under a database lock (several containers may start at
# once), registers the image's model (idempotent: one row per sha256) and activates
# it if no model is active yet, then execs gunicorn.
CMD ["deploy/start.sh"]
