package org.ehrflow.gateway.fhir;

import java.util.Date;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementKind;
import org.hl7.fhir.r4.model.CapabilityStatement.RestfulCapabilityMode;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Enumerations;

/**
 * The gateway's CapabilityStatement: a write-only R4 server (create, update, delete per type; transaction, batch;
 * $process-message) in JSON and XML with bearer-token security. No reads: the pipeline's read side is elsewhere.
 */
public final class Capability {

    private Capability() {
    }

    public static CapabilityStatement statement(String baseUrl, Date published) {
        CapabilityStatement cs = new CapabilityStatement();
        cs.setStatus(Enumerations.PublicationStatus.ACTIVE).setDate(published)
                .setKind(CapabilityStatementKind.INSTANCE).setFhirVersion(Enumerations.FHIRVersion._4_0_1);
        cs.getSoftware().setName("ehrflow fhir-gateway");
        cs.getImplementation().setDescription("FHIR ingress of the ehrflow pipeline").setUrl(baseUrl);
        cs.addFormat("application/fhir+json").addFormat("application/fhir+xml");
        CapabilityStatement.CapabilityStatementRestComponent rest = cs.addRest().setMode(RestfulCapabilityMode.SERVER);
        rest.getSecurity().addService(new CodeableConcept().setText("Bearer token (static per client)"))
                .setDescription("Authorization: Bearer <token>; each client may write a configured set of types");
        rest.addInteraction().setCode(SystemRestfulInteraction.TRANSACTION);
        rest.addInteraction().setCode(SystemRestfulInteraction.BATCH);
        rest.addOperation().setName("process-message")
                .setDefinition("http://hl7.org/fhir/OperationDefinition/MessageHeader-process-message");
        for (String type : new TreeSet<>(FhirCodec.context().getResourceTypes())) {
            CapabilityStatement.CapabilityStatementRestResourceComponent r = rest.addResource().setType(type);
            r.addInteraction().setCode(TypeRestfulInteraction.CREATE);
            r.addInteraction().setCode(TypeRestfulInteraction.UPDATE);
            r.addInteraction().setCode(TypeRestfulInteraction.DELETE);
            r.setUpdateCreate(true);
        }
        return cs;
    }
}
