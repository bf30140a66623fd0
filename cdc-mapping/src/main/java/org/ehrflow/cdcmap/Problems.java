package org.ehrflow.cdcmap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Problems collected while reading and checking one file, and the {@code ${name}} settings it may use. */
final class Problems {

    private static final Pattern SETTING = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");

    private final String file;
    private final Map<String, String> settings;
    private final List<Problem> list = new ArrayList<>();

    Problems(String file, Map<String, String> settings) {
        this.file = file;
        this.settings = settings;
    }

    void add(int line, String message) {
        Problem p = new Problem(file, line, message);
        if (!list.contains(p)) {
            list.add(p);
        }
    }

    List<Problem> list() {
        return list;
    }

    String substitute(String value, int line) {
        // No settings (cdc-capture reads only table, column and patient structure): leave ${...} as written.
        if (value == null || settings == null || !value.contains("${")) {
            return value;
        }
        Matcher m = SETTING.matcher(value);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String v = settings.get(m.group(1));
            if (v == null) {
                add(line, "unknown setting ${" + m.group(1) + "} (known: " + settings.keySet() + ")");
                v = "";
            }
            m.appendReplacement(b, Matcher.quoteReplacement(v));
        }
        m.appendTail(b);
        return b.toString();
    }
}
