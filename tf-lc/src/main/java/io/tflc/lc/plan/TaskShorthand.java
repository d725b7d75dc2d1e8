package io.tflc.lc.plan;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;

/**
 * The command line's task form {@code SELECTOR=SPEC}, turned into a plan's task: SELECTOR as in plans (a weight
 * name, or {@code re:} and a regular expression), SPEC one compression or several joined by {@code +} (an additive
 * combination): {@code codebook:K} (adaptive codebook of K values), {@code binary} (±a, one scale per task),
 * {@code ternary} (0 and ±a), {@code prune:F} (keep the fraction F of weights, ℓ0), {@code rank:R} (low rank R).
 * It names no view, so each weight gets the one its layer calls for ({@link TaskSpec}).
 */
public final class TaskShorthand {
    public static final List<String> FORMS = List.of("codebook:K", "binary", "ternary", "prune:F", "rank:R");

    private TaskShorthand() {
    }

    public static JsonObject parse(String text) {
        int eq = text.lastIndexOf('=');
        if (eq < 1 || eq == text.length() - 1) {
            throw new PlanException("--task '" + text + "' is not SELECTOR=SPEC, e.g. 're:.*/kernel=codebook:4'; "
                    + "SPEC: " + String.join(", ", FORMS) + ", or A+B");
        }
        JsonObject task = new JsonObject();
        task.addProperty("weights", text.substring(0, eq));
        String[] terms = text.substring(eq + 1).split("\\+");
        if (terms.length == 1) {
            task.add("compression", compression(terms[0], text));
        } else {
            JsonArray sum = new JsonArray();
            for (String term : terms) {
                sum.add(compression(term, text));
            }
            task.add("compression", sum);
        }
        return task;
    }

    private static JsonObject compression(String term, String text) {
        String[] parts = term.strip().split(":", 2);
        JsonObject c = new JsonObject();
        try {
            switch (parts[0]) {
                case "codebook" -> {
                    c.addProperty("type", "adaptive_codebook");
                    c.addProperty("k", Integer.parseInt(argument(parts, term)));
                }
                case "binary" -> c.addProperty("type", "scaled_binary");
                case "ternary" -> c.addProperty("type", "scaled_ternary");
                case "prune" -> {
                    c.addProperty("type", "l0_constraint");
                    c.addProperty("fraction", Double.parseDouble(argument(parts, term)));
                }
                case "rank" -> {
                    c.addProperty("type", "low_rank");
                    c.addProperty("rank", Integer.parseInt(argument(parts, term)));
                }
                default -> throw new PlanException("unknown compression '" + term + "' in --task '" + text
                        + "'; forms: " + String.join(", ", FORMS));
            }
        } catch (NumberFormatException e) {
            throw new PlanException("'" + term + "' in --task '" + text + "' needs a number after the colon");
        }
        return c;
    }

    private static String argument(String[] parts, String term) {
        if (parts.length < 2 || parts[1].isBlank()) {
            throw new NumberFormatException(term);
        }
        return parts[1].strip();
    }
}
