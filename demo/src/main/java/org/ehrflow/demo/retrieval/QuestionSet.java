package org.ehrflow.demo.retrieval;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Reads the question set ({@code retrieval/questions.json} on the classpath, or a file). */
final class QuestionSet {

    static final String RESOURCE = "/retrieval/questions.json";

    private QuestionSet() {
    }

    static List<Question> load() {
        try (InputStream in = QuestionSet.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Question> parse(InputStream in) throws IOException {
        ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        JsonNode root = json.readTree(in);
        List<Question> out = new ArrayList<>();
        for (JsonNode q : root.path("questions")) {
            out.add(json.treeToValue(q, Question.class));
        }
        return out;
    }
}
