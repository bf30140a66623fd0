package org.ehrflow.runtime.identity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ehrflow.schemas.PatientKey;

/**
 * Chooses a patient's key identifier among those a source presents and derives the patient key from it, the same
 * way for HL7 PID-3, FHIR Patient.identifier and CDC rows. HL7 assigning authorities are mapped to FHIR
 * identifier systems through a configured table, so the same MRN arriving through any source gives one key.
 *
 * <p>The rules, in tiers; a later tier is asked only when every earlier one found nothing, so a patient that had a
 * key under the earlier rules keeps it (keys never change when a tier is added):
 * <ol>
 *   <li>the first candidate whose (mapped) system is in {@code keySystems}, in the order of {@code keySystems};
 *   else the first candidate typed {@code MR} that has a system ({@link #patientKey});</li>
 *   <li>HL7 only: the first PID-3 repetition that is untyped or typed as a patient id ({@link #HL7_PATIENT_ID_TYPES});
 *   identifiers without CX-4 belong to the sending facility ({@link #hl7PatientKey(List)});</li>
 *   <li>sender-scoped fallback, for every source: the candidates in the order of {@code fallbackTypes} (default
 *   {@link #DEFAULT_FALLBACK_TYPES}), over every identifier the source offers (FHIR identifiers without a system
 *   belong to the sender: {@code MessageHeader.source.endpoint}, else the authenticated client or publisher; HL7
 *   also PID-2 and PID-4). The sender maps through the authority table like an HL7 assigning authority.</li>
 * </ol>
 * An identifier without a value never qualifies.
 */
public final class PatientKeyResolver {

    /** Default system for MRNs of the local enterprise (and of the demo EHR). */
    public static final String DEFAULT_MRN_SYSTEM = "http://hospital.example.org/mrn";
    /** System given to an HL7 assigning authority that the table does not map. */
    public static final String UNMAPPED_AUTHORITY_PREFIX = "urn:ehrflow:hl7-authority:";

    /**
     * Tier-3 identifier types in priority order: the record number (MR and its local spellings), the
     * internal/external patient ids, Epic's enterprise id (EPI, sent in PID-2/PID-4 by Epic orders), then the
     * person-level codes European ADT feeds send without an MR (PK; CF, the Italian codice fiscale).
     */
    public static final List<String> DEFAULT_FALLBACK_TYPES = List.of("MR", "MRN", "MRT", "PI", "PT", "PN", "EPI",
            "PK", "CF");

    private final Map<String, String> authorityToSystem;
    private final List<String> keySystems;
    private final List<String> fallbackTypes;

    /**
     * @param authorityToSystem HL7 assigning authority -> FHIR identifier system (e.g. "HOSP" -> the MRN system)
     * @param keySystems        identifier systems that identify a patient for keying, in priority order
     */
    public PatientKeyResolver(Map<String, String> authorityToSystem, List<String> keySystems) {
        this(authorityToSystem, keySystems, DEFAULT_FALLBACK_TYPES);
    }

    /** @param fallbackTypes identifier type codes of the sender-scoped fallback tier, in priority order */
    public PatientKeyResolver(Map<String, String> authorityToSystem, List<String> keySystems,
            List<String> fallbackTypes) {
        this.authorityToSystem = Map.copyOf(authorityToSystem);
        this.keySystems = List.copyOf(keySystems);
        this.fallbackTypes = fallbackTypes.stream().map(t -> t.strip().toUpperCase(Locale.ROOT)).toList();
    }

    /** The tier-3 type codes, in priority order. */
    public List<String> fallbackTypes() {
        return fallbackTypes;
    }

    /** The resolver the demo and tests use: the demo EHR's authorities map to {@link #DEFAULT_MRN_SYSTEM}. */
    public static PatientKeyResolver defaults() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("HOSP", DEFAULT_MRN_SYSTEM);
        m.put("EHR", DEFAULT_MRN_SYSTEM);
        return new PatientKeyResolver(m, List.of(DEFAULT_MRN_SYSTEM));
    }

    /**
     * Parses the configuration form {@code AUTH=system,AUTH2=system2} (authorities) and {@code sys1,sys2} (key
     * systems). Invalid entries throw {@link IllegalArgumentException} naming the entry, not a value.
     */
    public static PatientKeyResolver parse(String authorityMap, String keySystems) {
        return parse(authorityMap, keySystems, null);
    }

    /** As {@link #parse(String, String)}, plus {@code MR,PI,...} for the fallback tier (null or blank: defaults). */
    public static PatientKeyResolver parse(String authorityMap, String keySystems, String fallbackTypes) {
        Map<String, String> m = new LinkedHashMap<>();
        if (authorityMap != null && !authorityMap.isBlank()) {
            for (String entry : authorityMap.split(",")) {
                int eq = entry.indexOf('=');
                if (eq <= 0 || eq == entry.length() - 1) {
                    throw new IllegalArgumentException("authority map entries must be AUTHORITY=system");
                }
                m.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
            }
        }
        List<String> systems = keySystems == null || keySystems.isBlank() ? List.of(DEFAULT_MRN_SYSTEM)
                : List.of(keySystems.split(",")).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        List<String> types = fallbackTypes == null || fallbackTypes.isBlank() ? DEFAULT_FALLBACK_TYPES
                : List.of(fallbackTypes.split(",")).stream().map(String::strip).filter(t -> !t.isEmpty()).toList();
        return new PatientKeyResolver(m, systems, types);
    }

    /** FHIR identifier system for an HL7 assigning authority (mapped, else a stable URN naming it). */
    public String systemForAuthority(String authority) {
        if (authority == null || authority.isBlank()) {
            return null;
        }
        String mapped = authorityToSystem.get(authority.strip());
        return mapped != null ? mapped : UNMAPPED_AUTHORITY_PREFIX + authority.strip();
    }

    /** The system a candidate belongs to: its own, or its mapped authority. */
    public String systemOf(IdentifierCandidate c) {
        if (c.system() != null && !c.system().isBlank()) {
            return c.system().strip();
        }
        return systemForAuthority(c.authority());
    }

    /** The key identifier among {@code candidates}, per the documented choice. */
    public Optional<IdentifierCandidate> choose(List<IdentifierCandidate> candidates) {
        for (String wanted : keySystems) {
            for (IdentifierCandidate c : candidates) {
                if (usable(c) && wanted.equals(systemOf(c))) {
                    return Optional.of(c);
                }
            }
        }
        for (IdentifierCandidate c : candidates) {
            if (usable(c) && "MR".equalsIgnoreCase(c.type()) && systemOf(c) != null) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /**
     * HL7 table 0203 codes (and common local variants) that name the patient's own record number; an untyped
     * identifier counts too, because many feeds send the MRN bare in PID-3.
     */
    public static final Set<String> HL7_PATIENT_ID_TYPES = Set.of("MR", "MRN", "MRT", "PI", "PT",
            "PN");

    /**
     * The key for an HL7 PID-3 list: {@link #patientKey} if a candidate qualifies, else the first candidate that is
     * untyped or typed as a patient id ({@link #HL7_PATIENT_ID_TYPES}) and has a system. Callers give identifiers
     * without CX-4 the sending facility as authority (MSH-4, else MSH-3), so the listener and the normaliser key
     * the same message alike.
     */
    public Optional<String> hl7PatientKey(List<IdentifierCandidate> candidates) {
        return patientKey(candidates).or(() -> candidates.stream()
                .filter(PatientKeyResolver::usable)
                .filter(c -> c.type() == null
                        || HL7_PATIENT_ID_TYPES.contains(c.type().toUpperCase(Locale.ROOT)))
                .filter(c -> systemOf(c) != null)
                .findFirst()
                .map(c -> PatientKey.of(systemOf(c), c.value())));
    }

    /**
     * Tiers 1-3 for HL7: {@code primary} is PID-3 (PID-2 when PID-3 names no value), exactly as tiers 1-2 have
     * always read it; {@code alternates} (PID-2, PID-4) join only the fallback tier.
     */
    public Optional<String> hl7PatientKey(List<IdentifierCandidate> primary, List<IdentifierCandidate> alternates) {
        return hl7PatientKey(primary).or(() -> {
            List<IdentifierCandidate> all = new ArrayList<>(primary);
            all.addAll(alternates);
            return fallbackKey(all);
        });
    }

    /**
     * Tiers 1 and 3 for a FHIR Patient's identifiers: candidates with a system (even a non-URI one such as
     * {@code CRPMRN}, kept verbatim as it always was) go through tier 1 unchanged; then identifiers without a
     * system join the fallback tier as belonging to {@code senderScope} (mapped like an HL7 assigning authority).
     *
     * @param identifiers every identifier of the Patient: system (or null), type code (or null), value (or null)
     * @param senderScope {@code MessageHeader.source.endpoint}, else the authenticated client or publisher; null if
     *                    unknown (then identifiers without a system never qualify)
     */
    public Optional<String> fhirPatientKey(List<IdentifierCandidate> identifiers, String senderScope) {
        List<IdentifierCandidate> withSystem = identifiers.stream()
                .filter(c -> c.system() != null && !c.system().isBlank()).toList();
        return patientKey(withSystem).or(() -> fallbackKey(identifiers.stream()
                .map(c -> c.system() != null && !c.system().isBlank() ? c
                        : new IdentifierCandidate(null, senderScope, c.type(), c.value()))
                .toList()));
    }

    /** Tier 3: by {@code fallbackTypes} priority, the first usable candidate of that type that has a system. */
    Optional<String> fallbackKey(List<IdentifierCandidate> candidates) {
        for (String type : fallbackTypes) {
            for (IdentifierCandidate c : candidates) {
                if (usable(c) && c.type() != null && type.equalsIgnoreCase(c.type().strip()) && systemOf(c) != null) {
                    return Optional.of(PatientKey.of(systemOf(c), c.value()));
                }
            }
        }
        return Optional.empty();
    }

    /** The patient key for {@code candidates}, if one of them qualifies. */
    public Optional<String> patientKey(List<IdentifierCandidate> candidates) {
        return choose(candidates).map(c -> PatientKey.of(systemOf(c), c.value()));
    }

    private static boolean usable(IdentifierCandidate c) {
        return c.value() != null && !c.value().isBlank();
    }
}
