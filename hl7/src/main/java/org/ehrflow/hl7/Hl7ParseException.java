package org.ehrflow.hl7;

/** The text is not ER7 that {@link Er7Parser} can split; the message is never part of it (PHI). */
public final class Hl7ParseException extends Exception {

    public Hl7ParseException(String what) {
        super(what);
    }
}
