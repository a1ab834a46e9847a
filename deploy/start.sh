#!/bin/sh
# Container start: migrate (under a lock), register the image's model, serve.
set -eu
if [ "${RUN_MIGRATIONS:-1}" = "1" ]; then
  python manage.py migrate_safely --no-input
fi
for folder in "${ML_ARTIFACT_DIR:-artifacts}"/*/; do
  python manage.py register_model "$folder" --activate-if-none
done
exec python -m drugsite.serve
