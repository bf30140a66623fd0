package org.ehrflow.chunker.chunking.phi;

/** Kinds of PHI a chunk can carry; the names are the contract's {@code phiKinds} values. */
public enum PhiKind {
    NAME,
    IDENTIFIER,
    DATE,
    PHONE,
    EMAIL,
    ADDRESS,
    AGE_OVER_89,
    URL
}
