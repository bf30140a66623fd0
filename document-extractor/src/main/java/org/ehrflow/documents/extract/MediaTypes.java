package org.ehrflow.documents.extract;

import java.util.Locale;

/** Reads the parts of a content type ("text/html; charset=windows-1252"). */
public final class MediaTypes {

    private MediaTypes() {
    }

    /** The lower-case MIME type without parameters, "" when absent. */
    public static String mime(String contentType) {
        if (contentType == null) {
            return "";
        }
        return contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    }

    /** The charset parameter, unquoted, or null. */
    public static String charsetParam(String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String param : contentType.split(";")) {
            String[] kv = param.strip().split("=", 2);
            if (kv.length == 2 && kv[0].strip().equalsIgnoreCase("charset")) {
                String v = kv[1].strip().replace("\"", "").replace("'", "");
                return v.isEmpty() ? null : v;
            }
        }
        return null;
    }
}
