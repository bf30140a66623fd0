package org.ehrflow.demo.sources;

/** Synthetic HL7 v2 messages for the demo and tests (no real patient data). Fields commented where it matters. */
public final class SyntheticHl7 {

    private SyntheticHl7() {
    }

    /** ADT^A01 admitting the patient the synthetic EHR also holds (PID-3 MRN, PV1-19 visit number shared). */
    public static String admit(String controlId) {
        return String.join("\r",
                // MSH-3/4 sending app/facility, MSH-9 ADT^A01, MSH-10 control id, MSH-12 version 2.5.1
                "MSH|^~\\&|ADT|HOSP|EHRFLOW|HOSP|20260102030405||ADT^A01^ADT_A01|" + controlId + "|P|2.5.1",
                "EVN|A01|20260102030405",
                // PID-3 MRN with authority HOSP (maps to the demo MRN system), PID-5 name, PID-7 birth date
                "PID|1||" + SyntheticEhr.SHARED_MRN + "^^^HOSP^MR||Testpatient^Alex||19610402|F",
                // PV1-2 class E (emergency), PV1-19 visit number with authority EHR
                "PV1|1|E|ED^01^01||||||||||||||||" + SyntheticEhr.SHARED_VISIT + "^^^EHR^VN",
                "");
    }

    /** ORU^R01 with a troponin result for the same patient and visit. */
    public static String troponin(String controlId) {
        return String.join("\r",
                "MSH|^~\\&|LAB|HOSP|EHRFLOW|HOSP|20260102040000||ORU^R01^ORU_R01|" + controlId + "|P|2.5.1",
                "PID|1||" + SyntheticEhr.SHARED_MRN + "^^^HOSP^MR||Testpatient^Alex||19610402|F",
                "PV1|1|E|ED^01^01||||||||||||||||" + SyntheticEhr.SHARED_VISIT + "^^^EHR^VN",
                // OBR-3 filler order number identifies the report; OBR-4 the panel
                "OBR|1|ORD-77|FIL-77|10839-9^Troponin I.cardiac^LN|||20260102033000",
                // OBX-2 NM, OBX-3 code, OBX-5 value, OBX-6 unit, OBX-7 range, OBX-8 flag H, OBX-11 F
                "OBX|1|NM|10839-9^Troponin I.cardiac^LN||0.09|ng/mL|0.00-0.04|H|||F|||20260102033000",
                "");
    }

    /** MDM^T02 carrying a discharge summary for the same patient and visit (TXA-12 document number DOC-9001). */
    public static String dischargeSummary(String controlId) {
        return String.join("\r",
                "MSH|^~\\&|NOTES|HOSP|EHRFLOW|HOSP|20260103100000||MDM^T02^MDM_T02|" + controlId + "|P|2.5.1",
                "EVN|T02|20260103100000",
                "PID|1||" + SyntheticEhr.SHARED_MRN + "^^^HOSP^MR||Testpatient^Alex||19610402|F",
                "PV1|1|E|ED^01^01||||||||||||||||" + SyntheticEhr.SHARED_VISIT + "^^^EHR^VN",
                // TXA-2 document type, TXA-4 activity time, TXA-12 unique document number, TXA-17 AU authenticated
                "TXA|1|DS^Discharge summary|TX|20260103100000|||||||DOC-9001||||||AU",
                // One OBX TX per line of the note
                "OBX|1|TX|18842-5^Discharge summary^LN||HOSPITAL COURSE:||||||F",
                "OBX|2|TX|18842-5^Discharge summary^LN||Non-ST elevation myocardial infarction treated with "
                        + "percutaneous coronary intervention to the left anterior descending artery.||||||F",
                "OBX|3|TX|18842-5^Discharge summary^LN||DISCHARGE MEDICATIONS:||||||F",
                "OBX|4|TX|18842-5^Discharge summary^LN||Aspirin 81 mg daily, ticagrelor 90 mg twice daily, "
                        + "atorvastatin 80 mg nightly, metoprolol succinate 50 mg daily.||||||F",
                "");
    }

    /** Bytes that are not HL7 at all: the listener must answer AR and dead-letter them. */
    public static String garbage() {
        return "THIS IS NOT AN HL7 MESSAGE\r";
    }
}
