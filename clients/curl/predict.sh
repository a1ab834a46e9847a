#!/bin/sh
# Ask drugsite for a drug suggestion with curl. The model suggests; a clinician decides.
#
#   .venv/bin/python manage.py create_token alice         # prints a token, once
#   export DRUGSITE_URL=http://127.0.0.1:8000 DRUGSITE_TOKEN=<the token>
#   sh clients/curl/predict.sh 47 F LOW HIGH 14           # Age Sex BP Cholesterol Na_to_K
#
# Prints two JSON lines: the API's answer (drug, probabilities, explanation, ...),
# then the tutorial's GET /drug answer. On an error answer curl exits with 22 and
# prints the server's message, e.g. {"bp":["BP 'X' is not allowed: use one of ..."]}.
set -eu

URL="${DRUGSITE_URL:-http://127.0.0.1:8000}"
: "${DRUGSITE_TOKEN:?set DRUGSITE_TOKEN (manage.py create_token USER)}"
AGE="${1:-47}" SEX="${2:-F}" BP="${3:-LOW}" CHOLESTEROL="${4:-HIGH}" NA_TO_K="${5:-14}"

# POST /api/v1/predictions/: one patient (or a JSON list of up to 1,000).
curl --silent --show-error --fail-with-body --max-time 10 \
  --request POST "$URL/api/v1/predictions/" \
  --header "Authorization: Token $DRUGSITE_TOKEN" \
  --header "Content-Type: application/json" \
  --data "{\"age\": $AGE, \"sex\": \"$SEX\", \"bp\": \"$BP\",
           \"cholesterol\": \"$CHOLESTEROL\", \"na_to_k\": $NA_TO_K}"
echo

# The tutorial's endpoint: GET /drug, the dataset's column names as parameters.
curl --silent --show-error --fail-with-body --max-time 10 --get "$URL/drug" \
  --header "Authorization: Token $DRUGSITE_TOKEN" \
  --data-urlencode "Age=$AGE" --data-urlencode "Sex=$SEX" --data-urlencode "BP=$BP" \
  --data-urlencode "Cholesterol=$CHOLESTEROL" --data-urlencode "Na_to_K=$NA_TO_K"
echo
