package org.ehrflow.demo.retrieval;

import java.util.List;
import java.util.Objects;

/**
 * One benchmark question about one patient, with its gold answer: the resources that state it and the answer
 * text a chunk must contain.
 *
 * @param id       stable id ("q0001")
 * @param patient  the patient's FHIR reference as indexed ("Patient/<id>"), resolved to a patient key
 * @param category what kind of fact (lab, vital, medication, immunization, allergy, condition, procedure, note,
 *                 encounter, time, trend)
 * @param style    {@code named} (names the fact as the record does) or {@code clinician} (abbreviations, paraphrase)
 * @param question the question as a user asks it
 * @param gold     references of the resources whose facts answer it ("Observation/..."); twins all listed
 * @param context  references of aggregates that state the fact too (its encounter), or empty
 * @param answer   text fragments every relevant chunk contains (case and spacing ignored)
 * @param minAnswers for a trend question (several results), how many of the {@code answer} values a relevant
 *                 chunk must state (more than half); null = all of them
 */
record Question(String id, String patient, String category, String style, String question, List<String> gold,
        List<String> context, List<String> answer, Integer minAnswers) {

    Question {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(patient, "patient");
        Objects.requireNonNull(question, "question");
        gold = List.copyOf(gold);
        context = context == null ? List.of() : List.copyOf(context);
        answer = List.copyOf(answer);
        if (gold.isEmpty() || answer.isEmpty()) {
            throw new IllegalArgumentException(id + ": gold and answer are required");
        }
    }
}
