package org.ehrflow.normalizer.mapping;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;

/**
 * A code-system table (e.g. HL7 table 0001 -> FHIR administrative gender) loaded from a properties file under
 * {@code org/ehrflow/normalizer/codes/}: tables are data, not code. Lookups ignore case and surrounding blanks.
 */
public final class CodeTable {

    private final String name;
    private final Properties entries = new Properties();

    private CodeTable(String name) {
        this.name = name;
    }

    /** Loads {@code codes/<name>.properties}; a missing table is a packaging bug and fails fast. */
    public static CodeTable load(String name) {
        CodeTable t = new CodeTable(name);
        String path = "/org/ehrflow/normalizer/codes/" + name + ".properties";
        try (InputStream in = CodeTable.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("code table missing: " + path);
            }
            Properties raw = new Properties();
            raw.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            raw.forEach((k, v) -> t.entries.put(k.toString().toUpperCase(Locale.ROOT), v.toString().strip()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return t;
    }

    /** The mapped value for {@code code}, or null. */
    public String get(String code) {
        if (code == null || code.isBlank()) {
            return null;
        }
        return entries.getProperty(code.strip().toUpperCase(Locale.ROOT).replace(' ', '_'));
    }

    public String getOrDefault(String code, String fallback) {
        String v = get(code);
        return v != null ? v : fallback;
    }

    @Override
    public String toString() {
        return "CodeTable[" + name + ", " + entries.size() + " entries]";
    }
}
