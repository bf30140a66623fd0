package org.ehrflow.hl7;

/**
 * One ER7 segment, split into fields once; repetitions, components and subcomponents are cut on demand by
 * {@link Hl7Fields}. Field numbering follows HL7: for MSH, field 1 is the field separator and field 2 the encoding
 * characters, so {@code MSH-9} is the ninth field as the standard counts it.
 */
public final class Segment {

    private final String name;
    private final String[] fields;
    private final Delimiters delimiters;

    Segment(String name, String[] fields, Delimiters delimiters) {
        this.name = name;
        this.fields = fields;
        this.delimiters = delimiters;
    }

    /** The three-character segment id, e.g. "PID". */
    public String getName() {
        return name;
    }

    /** The highest field number present. */
    public int numFields() {
        return fields.length - 1;
    }

    /** The raw (still escaped) text of field {@code n}, or null if absent. */
    public String raw(int n) {
        return n < 1 || n >= fields.length ? null : fields[n];
    }

    public Delimiters delimiters() {
        return delimiters;
    }

    /** Whether no field has any content. */
    public boolean isEmpty() {
        for (int i = 1; i < fields.length; i++) {
            if (!fields[i].isEmpty()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "Segment[" + name + ", " + numFields() + " fields]"; // never the content: it is PHI
    }
}
