package org.ehrflow.gateway.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Random;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;

/** {@link ResponseBundles} writes exactly what HAPI's JSON encoder writes, and leaves every other shape to it. */
class ResponseBundlesTest {

    private static final String[] STATUS = {"201 Created", "200 OK", "204 No Content", "422", "403"};
    private static final String ID_CHARS = "abcXYZ019-.\"\\/\u00e9\u4e2d\n\t\u0001 ";

    @Test
    void generatedResponseBundlesAreWrittenAsHapiWritesThem() {
        Random rnd = new Random(42);
        for (int i = 0; i < 500; i++) {
            Bundle b = new Bundle().setType(rnd.nextBoolean() ? Bundle.BundleType.TRANSACTIONRESPONSE
                    : Bundle.BundleType.BATCHRESPONSE);
            int n = rnd.nextInt(i % 10 == 0 ? 120 : 8);
            for (int e = 0; e < n; e++) {
                Bundle.BundleEntryResponseComponent r = b.addEntry().getResponse()
                        .setStatus(STATUS[rnd.nextInt(STATUS.length)]);
                if (rnd.nextInt(4) > 0) {
                    r.setLocation("Observation/" + id(rnd));
                }
            }
            Optional<String> mine = ResponseBundles.json(b);
            assertTrue(mine.isPresent());
            assertEquals(hapi(b), mine.get());
            assertEquals(hapi(b), FhirCodec.encode(b, FhirFormat.JSON));
        }
    }

    @Test
    void otherShapesAreLeftToHapi() {
        Bundle outcome = new Bundle().setType(Bundle.BundleType.BATCHRESPONSE);
        outcome.addEntry().getResponse().setStatus("422").setOutcome(new OperationOutcome().addIssue(new OperationOutcome.OperationOutcomeIssueComponent()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(OperationOutcome.IssueType.INVALID)));
        Bundle withId = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        withId.setId("b1");
        Bundle etag = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        etag.addEntry().getResponse().setStatus("200 OK").setEtag("W/\"1\"");
        Bundle searchset = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        Bundle noStatus = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        noStatus.addEntry().getResponse().setLocation("Patient/1");
        for (Bundle b : new Bundle[] {outcome, withId, etag, searchset, noStatus}) {
            assertTrue(ResponseBundles.json(b).isEmpty(), b.getType().toCode());
            assertEquals(hapi(b), FhirCodec.encode(b, FhirFormat.JSON));
        }
    }

    private static String hapi(Bundle b) {
        return FhirCodec.context().newJsonParser().setPrettyPrint(false).encodeResourceToString(b);
    }

    private static String id(Random rnd) {
        StringBuilder s = new StringBuilder();
        for (int i = 1 + rnd.nextInt(12); i > 0; i--) {
            s.append(ID_CHARS.charAt(rnd.nextInt(ID_CHARS.length())));
        }
        return s.toString();
    }
}
