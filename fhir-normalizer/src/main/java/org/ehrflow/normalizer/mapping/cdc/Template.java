package org.ehrflow.normalizer.mapping.cdc;

/** Fills an id template such as "cdc-note-{id}" or "cx-{site}-{order_no}" from the row's columns. */
final class Template {

    private Template() {
    }

    static String fill(String template, CdcEvent e) {
        StringBuilder b = new StringBuilder(template.length() + 16);
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            if (open < 0) {
                b.append(template, i, template.length());
                break;
            }
            int close = template.indexOf('}', open);
            b.append(template, i, open).append(e.text(template.substring(open + 1, close)));
            i = close + 1;
        }
        return b.toString();
    }
}
