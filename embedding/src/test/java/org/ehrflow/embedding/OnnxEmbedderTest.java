package org.ehrflow.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OnnxEmbedderTest {

    // Synthetic clinical-style sentences of very different token lengths (no real patient data).
    private static final List<String> TEXTS = List.of(
            "Chest pain.",
            "Patient reports intermittent chest pain radiating to the left arm for two days, worse on exertion.",
            "Plan: start aspirin 81 mg daily, repeat troponin in six hours, cardiology consult if rising.",
            "Allergies: none known.",
            "Assessment: community acquired pneumonia of the right lower lobe; oxygen saturation 91 percent on room air,"
                    + " improving after nebulised salbutamol. Continue amoxicillin, review chest film tomorrow, and discharge"
                    + " when afebrile for 24 hours with oral intake adequate. ".repeat(3),
            "");

    private static OnnxEmbedder embedder;

    @BeforeAll
    static void load() {
        embedder = OnnxEmbedder.load(ModelVariant.INT8);
        assertThat(OnnxEmbedder.defaultMaxBatch(ModelVariant.INT8)).isEqualTo(1);
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    @Test
    void vectorsHaveTheModelDimensionsAndUnitLength() {
        List<float[]> vectors = embedder.embed(TEXTS);
        assertThat(embedder.dimensions()).isEqualTo(384);
        assertThat(embedder.modelName()).isEqualTo("all-minilm-l6-v2-q");
        assertThat(vectors).hasSize(TEXTS.size());
        for (float[] v : vectors) {
            assertThat(v).hasSize(384);
            assertThat(dot(v, v)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void aPaddedFp32BatchEqualsTheTextsEmbeddedOneByOneInOrder() {
        // Mixed lengths in one padded inference, re-sorted internally: also checks that order is restored.
        try (OnnxEmbedder fp32 = OnnxEmbedder.load(ModelVariant.FP32, 2, 16)) {
            List<float[]> batch = fp32.embed(TEXTS);
            assertThat(fp32.modelName()).isEqualTo("all-minilm-l6-v2");
            for (int i = 0; i < TEXTS.size(); i++) {
                float[] single = fp32.embed(List.of(TEXTS.get(i))).get(0);
                assertThat(cosine(batch.get(i), single)).as("text %d", i).isGreaterThan(1 - 1e-4);
            }
        }
    }

    @Test
    void int8DefaultIsIndependentOfTheOtherTextsInTheCall() {
        List<float[]> batch = embedder.embed(TEXTS);
        for (int i = 0; i < TEXTS.size(); i++) {
            assertThat(batch.get(i)).as("text %d", i).containsExactly(embedder.embed(List.of(TEXTS.get(i))).get(0));
        }
    }

    @Test
    void int8PaddedBatchesKeepOrderWithinTheQuantizationDrift() {
        // Dynamic per-tensor quantization makes a row depend on its batch: close, not equal (see defaultMaxBatch).
        try (OnnxEmbedder batched = OnnxEmbedder.load(ModelVariant.INT8, 1, 4)) {
            List<float[]> split = batched.embed(TEXTS);
            List<float[]> alone = embedder.embed(TEXTS);
            for (int i = 0; i < TEXTS.size(); i++) {
                assertThat(cosine(split.get(i), alone.get(i))).as("text %d", i).isGreaterThan(0.97);
                for (int j = 0; j < TEXTS.size(); j++) {
                    if (j != i) {
                        // Each text is closer to its own unbatched vector than to any other text's.
                        assertThat(cosine(split.get(i), alone.get(i))).isGreaterThan(cosine(split.get(i),
                                alone.get(j)));
                    }
                }
            }
        }
    }

    @Test
    void identicalTextsGiveIdenticalVectorsAndParaphrasesAreCloser() {
        List<float[]> v = embedder.embed(List.of(
                "The patient has a fever and a cough.",
                "The patient has a fever and a cough.",
                "The patient is febrile and coughing.",
                "The invoice was paid by bank transfer."));
        assertThat(v.get(0)).containsExactly(v.get(1));
        assertThat(cosine(v.get(0), v.get(2))).isGreaterThan(cosine(v.get(0), v.get(3)) + 0.2);
    }

    @Test
    void matchesLangChain4jsReferenceModelPerText() {
        AllMiniLmL6V2QuantizedEmbeddingModel reference = new AllMiniLmL6V2QuantizedEmbeddingModel();
        List<float[]> ours = embedder.embed(TEXTS);
        for (int i = 0; i < TEXTS.size(); i++) {
            if (TEXTS.get(i).isEmpty()) {
                continue; // LangChain4j rejects blank text
            }
            float[] ref = reference.embed(TEXTS.get(i)).content().vector();
            assertThat(cosine(ours.get(i), ref)).as("text %d", i).isGreaterThan(1 - 1e-4);
        }
    }

    @Test
    void emptyCallGivesEmptyResult() {
        assertThat(embedder.embed(List.of())).isEmpty();
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    static double cosine(float[] a, float[] b) {
        return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
    }
}
