package org.blobsfile.cli;

/**
 * Writes one JSON object, keys in insertion order; members are strings, numbers, booleans,
 * nested objects and arrays of those. Enough for the command's reports, so the shaded jar
 * carries no JSON library. Not thread-safe.
 */
final class Json {
    private final StringBuilder sb = new StringBuilder("{");
    private boolean first = true;

    /** @return this object with a string member */
    Json put(String key, String value) {
        key(key);
        if (value == null) {
            sb.append("null");
        } else {
            string(value);
        }
        return this;
    }

    /** @return this object with a number member */
    Json put(String key, long value) {
        key(key);
        sb.append(value);
        return this;
    }

    /** @return this object with a decimal number member, written without exponent */
    Json put(String key, java.math.BigDecimal value) {
        key(key);
        sb.append(value.stripTrailingZeros().toPlainString());
        return this;
    }

    /** @return this object with a boolean member */
    Json put(String key, boolean value) {
        key(key);
        sb.append(value);
        return this;
    }

    /** @return this object with an object member ({@code null} writes null) */
    Json put(String key, Json value) {
        key(key);
        sb.append(value == null ? "null" : value.toString());
        return this;
    }

    /**
     * @param values strings, numbers, booleans, {@link Json} objects or nulls
     * @return this object with an array member
     */
    Json put(String key, java.util.List<?> values) {
        key(key);
        sb.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Object v = values.get(i);
            if (v == null || v instanceof Json || v instanceof Number || v instanceof Boolean) {
                sb.append(v);
            } else {
                string(v.toString());
            }
        }
        sb.append(']');
        return this;
    }

    private void key(String key) {
        if (!first) {
            sb.append(',');
        }
        first = false;
        string(key);
        sb.append(':');
    }

    private void string(String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** @return the object's text */
    @Override
    public String toString() {
        return sb + "}";
    }
}
