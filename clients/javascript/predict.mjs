// Ask drugsite for a drug suggestion with Node's built-in fetch (Node 18 or later).
// The model suggests; it does not prescribe. A clinician decides.
//
//   .venv/bin/python manage.py create_token alice          # prints a token, once
//   export DRUGSITE_URL=http://127.0.0.1:8000 DRUGSITE_TOKEN=<the token>
//   node clients/javascript/predict.mjs 47 F LOW HIGH 14   # Age Sex BP Cholesterol Na_to_K

const baseUrl = (process.env.DRUGSITE_URL || "http://127.0.0.1:8000").replace(/\/+$/, "");
const token = process.env.DRUGSITE_TOKEN;
const MAX_RETRY_WAIT = 30; // seconds

class DrugsiteError extends Error {
  constructor(status, body) {
    super(describeError(status, body));
    this.status = status;
    this.body = body; // for 400: the server's messages, keyed by field
  }
}

function describeError(status, body) {
  if (status === 400 && body && typeof body === "object" && !body.detail) {
    const lines = Object.entries(body).map(([field, messages]) => `  ${field}: ${[messages].flat().join(" ")}`);
    return `Invalid input:\n${lines.join("\n")}`;
  }
  return `HTTP ${status}: ${body?.detail ?? JSON.stringify(body)}`;
}

// POST /api/v1/predictions/ with one patient (or an array of up to 1,000).
// 429 and 503 mean nothing was predicted: retry after the server's Retry-After.
async function predict(patient, { retries = 3 } = {}) {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${baseUrl}/api/v1/predictions/`, {
      method: "POST",
      headers: {
        Authorization: `Token ${token}`,
        "Content-Type": "application/json",
        Accept: "application/json",
      },
      body: JSON.stringify(patient),
      signal: AbortSignal.timeout(10_000),
    });
    const body = await response.json().catch(() => ({ detail: response.statusText }));
    if (response.ok) return body;
    const wait = Number(response.headers.get("Retry-After") ?? NaN);
    const retryable = response.status === 429 || response.status === 503;
    if (retryable && attempt < retries && wait >= 0 && wait <= MAX_RETRY_WAIT) {
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      continue;
    }
    throw new DrugsiteError(response.status, body);
  }
}

function show(answer) {
  const probabilities = Object.entries(answer.probabilities).map(([drug, p]) => `${drug} ${p.toFixed(2)}`);
  console.log(`drug: ${answer.drug} (probability ${answer.probability.toFixed(2)})`);
  console.log(`probabilities: ${probabilities.join(", ")}`);
  console.log(`reasons: ${answer.explanation.join("; ")}`);
  if (answer.near_boundary) {
    const { feature, value, distance, threshold } = answer.boundary;
    console.log(`near a decision boundary: ${feature} ${value} is ${distance} from ${threshold}`);
  }
  console.log(`warnings: ${answer.warnings.join("; ") || "none"}`);
  console.log(`prediction: ${answer.id} (model ${answer.model_version})`);
}

if (!token) {
  console.error("Set DRUGSITE_TOKEN (manage.py create_token USER).");
  process.exit(2);
}
// Numbers go as JSON numbers; anything else as typed, for the server to name.
const number = (text) => (text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : text);
const [age = "47", sex = "F", bp = "LOW", cholesterol = "HIGH", naToK = "14"] = process.argv.slice(2);
try {
  show(await predict({ age: number(age), sex, bp, cholesterol, na_to_k: number(naToK) }));
} catch (error) {
  // fetch() says only "fetch failed"; the cause names it (ECONNREFUSED, ...).
  console.error(error.cause ? `${error.message}: ${error.cause.message}` : error.message);
  process.exitCode = 1;
}
