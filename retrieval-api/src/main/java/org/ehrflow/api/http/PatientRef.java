package org.ehrflow.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;
import org.ehrflow.schemas.PatientKey;

/**
 * Reads the patient a request names: a patient key, or an identifier (system + value) turned into the key with
 * {@link PatientKey#of}, the Java twin of {@code ehrflow.patient_key} (their parity is tested in the sink's IT).
 */
final class PatientRef {

    static final Pattern KEY = Pattern.compile("pk_[0-9a-f]{32}");

    private PatientRef() {
    }

    static String key(JsonNode patient) throws ApiException {
        if (patient == null || !patient.isObject()) {
            throw ApiException.badRequest("patient_missing", "name the patient: {\"key\": \"pk_...\"} or "
                    + "{\"system\": ..., \"value\": ...}");
        }
        JsonNode key = patient.get("key");
        JsonNode system = patient.get("system");
        JsonNode value = patient.get("value");
        if (key != null && (system != null || value != null)) {
            throw ApiException.badRequest("patient_ambiguous", "name the patient by key or by identifier, not both");
        }
        if (key != null) {
            return checked(key.isTextual() ? key.asText() : null);
        }
        if (system == null || value == null || !system.isTextual() || !value.isTextual()
                || system.asText().isBlank() || value.asText().isBlank() || system.asText().length() > 512
                || value.asText().length() > 512) {
            throw ApiException.badRequest("patient_invalid", "an identifier needs a system and a value (text)");
        }
        return PatientKey.of(system.asText(), value.asText());
    }

    static String checked(String key) throws ApiException {
        if (key == null || !KEY.matcher(key).matches()) {
            throw ApiException.badRequest("patient_key_invalid", "a patient key is pk_ followed by 32 hex digits");
        }
        return key;
    }
}
