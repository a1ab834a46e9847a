// Ask drugsite for a drug suggestion with the JDK's java.net.http (Java 17 or later).
// The model suggests; it does not prescribe. A clinician decides.
//
//   .venv/bin/python manage.py create_token alice          # prints a token, once
//   export DRUGSITE_URL=http://127.0.0.1:8000 DRUGSITE_TOKEN=<the token>
//   java clients/java/Predict.java 47 F LOW HIGH 14        # Age Sex BP Cholesterol Na_to_K
//
// The JDK has no JSON library. A real program would use Jackson or Gson; this
// example keeps to the JDK, with the small reader at the end of the file.

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.*;

public class Predict {
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final long MAX_RETRY_WAIT = 30; // seconds

    public static void main(String[] args) throws Exception {
        String url = System.getenv().getOrDefault("DRUGSITE_URL", "http://127.0.0.1:8000");
        String token = System.getenv("DRUGSITE_TOKEN");
        if (token == null || token.isEmpty()) {
            System.err.println("Set DRUGSITE_TOKEN (manage.py create_token USER).");
            System.exit(2);
        }
        String[] v = args.length == 5 ? args : new String[] {"47", "F", "LOW", "HIGH", "14"};
        String patient = String.format(
                "{\"age\": %s, \"sex\": %s, \"bp\": %s, \"cholesterol\": %s, \"na_to_k\": %s}",
                number(v[0]), quote(v[1]), quote(v[2]), quote(v[3]), number(v[4]));
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(url.replaceAll("/+$", "") + "/api/v1/predictions/"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Token " + token)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(patient))
                .build();
        HttpResponse<String> response;
        try {
            response = send(request, 3);
        } catch (IOException error) {
            System.err.println("Could not reach " + url + ": " + error);
            System.exit(1);
            return;
        }
        Object body = Json.parseOrText(response.body());
        if (response.statusCode() != 201) {
            System.err.println(describeError(response.statusCode(), body));
            System.exit(1);
        }
        show((Map<?, ?>) body);
    }

    /** Send; 429 and 503 mean nothing was predicted: retry after Retry-After. */
    static HttpResponse<String> send(HttpRequest request, int retries)
            throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> response =
                    HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            long wait = response.headers().firstValueAsLong("Retry-After").orElse(-1);
            boolean retryable = status == 429 || status == 503;
            if (!retryable || attempt >= retries || wait < 0 || wait > MAX_RETRY_WAIT) {
                return response;
            }
            Thread.sleep(wait * 1000);
        }
    }

    static void show(Map<?, ?> answer) {
        StringJoiner probabilities = new StringJoiner(", ");
        ((Map<?, ?>) answer.get("probabilities"))
                .forEach((drug, p) -> probabilities.add(String.format("%s %.2f", drug, p)));
        System.out.printf("drug: %s (probability %.2f)%n", answer.get("drug"),
                answer.get("probability"));
        System.out.println("probabilities: " + probabilities);
        System.out.println("reasons: " + String.join("; ", strings(answer.get("explanation"))));
        if (Boolean.TRUE.equals(answer.get("near_boundary"))) {
            Map<?, ?> b = (Map<?, ?>) answer.get("boundary");
            System.out.printf("near a decision boundary: %s %s is %s from %s%n",
                    b.get("feature"), b.get("value"), b.get("distance"), b.get("threshold"));
        }
        List<String> warnings = strings(answer.get("warnings"));
        System.out.println("warnings: " + (warnings.isEmpty() ? "none" : String.join("; ", warnings)));
        System.out.printf("prediction: %.0f (model %s)%n", answer.get("id"),
                answer.get("model_version"));
    }

    /** A 400 names each field and its allowed values; anything else has a detail. */
    static String describeError(int status, Object body) {
        if (status == 400 && body instanceof Map<?, ?> fields && !fields.containsKey("detail")) {
            StringBuilder text = new StringBuilder("Invalid input:");
            fields.forEach((field, messages) -> text.append("\n  ").append(field).append(": ")
                    .append(messages instanceof List<?> list ? String.join(" ", strings(list)) : messages));
            return text.toString();
        }
        Object detail = body instanceof Map<?, ?> map ? map.get("detail") : body;
        return "HTTP " + status + ": " + detail;
    }

    static List<String> strings(Object list) {
        List<String> out = new ArrayList<>();
        for (Object item : (List<?>) list) out.add(String.valueOf(item));
        return out;
    }

    /** Numbers go as JSON numbers; anything else as typed, for the server to name. */
    static String number(String text) {
        return text.matches("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?") ? text : quote(text);
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') out.append('\\').append(c);
            else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
            else out.append(c);
        }
        return out.append('"').toString();
    }

    /** A minimal JSON reader: objects, arrays, strings, numbers (double), literals. */
    static final class Json {
        private final String s;
        private int i;

        private Json(String s) { this.s = s; }

        static Object parseOrText(String text) {
            try {
                Json reader = new Json(text);
                Object value = reader.value();
                reader.space();
                return reader.i == text.length() ? value : text;
            } catch (RuntimeException notJson) {
                return text;
            }
        }

        private void space() { while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++; }

        private Object value() {
            space();
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> map = new LinkedHashMap<>();
                i++;
                for (space(); s.charAt(i) != '}'; space()) {
                    String key = string();
                    space(); expect(':');
                    map.put(key, value());
                    space();
                    if (s.charAt(i) == ',') i++;
                }
                i++;
                return map;
            }
            if (c == '[') {
                List<Object> list = new ArrayList<>();
                i++;
                for (space(); s.charAt(i) != ']'; space()) {
                    list.add(value());
                    space();
                    if (s.charAt(i) == ',') i++;
                }
                i++;
                return list;
            }
            if (c == '"') return string();
            for (String literal : new String[] {"true", "false", "null"}) {
                if (s.startsWith(literal, i)) {
                    i += literal.length();
                    return literal.equals("null") ? null : Boolean.valueOf(literal);
                }
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
            return Double.valueOf(s.substring(start, i));
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            for (char c = s.charAt(i++); c != '"'; c = s.charAt(i++)) {
                if (c != '\\') { out.append(c); continue; }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> { out.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; }
                    default -> out.append(e);
                }
            }
            return out.toString();
        }

        private void expect(char c) {
            if (s.charAt(i++) != c) throw new IllegalArgumentException("expected " + c + " at " + (i - 1));
        }
    }
}
