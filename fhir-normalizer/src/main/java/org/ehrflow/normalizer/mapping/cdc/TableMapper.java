package org.ehrflow.normalizer.mapping.cdc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ehrflow.cdcmap.CdcMapping;
import org.ehrflow.cdcmap.Condition;
import org.ehrflow.cdcmap.TableMapping;
import org.ehrflow.cdcmap.UsedColumns;
import org.ehrflow.normalizer.error.ReasonCodes;
import org.ehrflow.normalizer.mapping.Ids;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ResourceFactory;

/**
 * Maps the change events of one source table as its mapping says: the row's patient (its identifier, or the
 * link learned from the patients table), deletion rules, the id, links it teaches, references it waits for, then
 * every element rule. A row lacking a column the mapping reads (schema changed while running) is rejected with
 * {@link ReasonCodes#CDC_SCHEMA_DRIFT}: better a DLQ record than wrong FHIR.
 */
final class TableMapper {

    private final TableMapping t;
    private final Map<String, TableMapping> tables;
    private final RowPatient patient;
    private final CdcFunctions functions;
    private final Set<String> used;
    private final List<ElementRule> rules = new ArrayList<>();
    private final boolean isEncounter;
    private final ColumnWatch watch;

    TableMapper(TableMapping t, CdcMapping mapping, PatientKeyResolver resolver, CdcFunctions functions,
            ValueReader reader, ColumnWatch watch) {
        this.t = t;
        this.tables = mapping.tables();
        this.patient = new RowPatient(t, mapping.tables(), resolver);
        this.functions = functions;
        this.used = UsedColumns.of(t);
        this.isEncounter = "Encounter".equals(t.resource());
        this.watch = watch;
        t.elements().forEach(e -> rules.add(new ElementRule(e, t, reader, functions)));
    }

    MappingResult map(CdcEvent e, LinkLookup links) {
        // A patients row whose identifier is present but null has no patient, whatever else it lacks.
        if (t.patient().definesPatients() && e.row().has(t.patient().identifierColumn())
                && e.text(t.patient().identifierColumn()) == null) {
            return MappingResult.Rejected.of(ReasonCodes.CDC_NO_PATIENT_ID);
        }
        for (String c : used) {
            if (!e.row().has(c)) {
                return MappingResult.Rejected.of(ReasonCodes.CDC_SCHEMA_DRIFT);
            }
        }
        watch.check(t, e.row());
        RowPatient.Resolved patient = this.patient.of(e, links);
        if (patient.stop() != null) {
            return patient.stop();
        }
        String key = patient.key();
        String id = id(e, key);
        Map<String, String> learned = t.learn() == null ? Map.of()
                : Map.of(t.learn() + ":" + String.join("|", ElementRule.values(e, t.key())),
                        t.patient().definesPatients() ? key : id);
        String ownEncounter = isEncounter ? id : null;
        if (e.isDelete() || deleted(e)) {
            return new MappingResult.Mapped(List.of(e.delete(key, t.resource(), id, ownEncounter)), learned, Map.of());
        }
        Map<ElementRule, Base> refs = new HashMap<>();
        String encounterId = ownEncounter;
        for (ElementRule r : rules) {
            if ("reference".equals(r.e.kind()) && r.applies(e)) {
                String link = RowPatient.link(tables, r.e.table(), ElementRule.values(e, r.e.columns()));
                if (link == null) {
                    continue;
                }
                Optional<String> target = links.find(link);
                if (target.isEmpty()) {
                    return new MappingResult.AwaitingLink(link);
                }
                String type = tables.get(r.e.table()).resource();
                refs.put(r, new Reference(type + "/" + target.get()));
                if (encounterId == null && "Encounter".equals(type)) {
                    encounterId = target.get();
                }
            }
        }
        Resource res = ResourceFactory.createResource(t.resource());
        res.setId(id);
        for (ElementRule r : rules) {
            if (!r.applies(e)) {
                continue;
            }
            Base v = switch (r.e.kind()) {
                case "reference" -> refs.get(r);
                case "patient" -> new Reference("Patient/" + Ids.patient(key));
                default -> r.value(e);
            };
            if (v != null && !FhirPath.set(res, r.segments, v)) {
                Base fallback = r.fallback(e);
                if (fallback != null) {
                    FhirPath.set(res, r.segments, fallback);
                }
            }
        }
        return new MappingResult.Mapped(List.of(e.upsert(key, res, encounterId)), learned, Map.of());
    }

    private String id(CdcEvent e, String key) {
        return switch (t.id().kind()) {
            case "patient" -> Ids.patient(key);
            case "function" -> {
                String v = functions.id(t.id().function(), ElementRule.values(e, t.id().columns()));
                yield v != null ? v : Template.fill(t.id().template(), e);
            }
            default -> Template.fill(t.id().template(), e);
        };
    }

    private boolean deleted(CdcEvent e) {
        for (Condition c : t.deleteWhen()) {
            String v = e.text(c.column());
            if (v != null && c.values().contains(v)) {
                return true;
            }
        }
        return false;
    }
}
