package org.ehrflow.listener;

/** Minimal synthetic HL7 messages for tests; every field that matters is commented. */
public final class Fixtures {

    /**
     * ADT^A01, v2.5.1, no MSH-18.
     * MSH-3 SENDAPP, MSH-4 SENDFAC, MSH-5 RECVAPP, MSH-6 RECVFAC, MSH-7 2024-01-02T03:04:05+01:00,
     * MSH-9 ADT^A01^ADT_A01, MSH-10 MSG0001, MSH-11 P, MSH-12 2.5.1.
     * PID-3: 12345 from authority HOSP typed MR (maps to the default MRN system), then an SS number.
     */
    public static final String ADT_A01 = "MSH|^~\\&|SENDAPP|SENDFAC|RECVAPP|RECVFAC|20240102030405+0100||"
            + "ADT^A01^ADT_A01|MSG0001|P|2.5.1\r"
            + "EVN|A01|20240102030405\r"
            + "PID|1||12345^^^HOSP^MR~999999999^^^SSA^SS||Sentinel^Test\r";

    private Fixtures() {
    }

    /** {@link #ADT_A01} with MSH-10 replaced. */
    public static String adt(String controlId) {
        return ADT_A01.replace("|MSG0001|", "|" + controlId + "|");
    }
}
