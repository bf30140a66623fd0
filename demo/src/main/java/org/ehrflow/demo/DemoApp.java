package org.ehrflow.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.ehrflow.demo.sources.DemoFhirServer;
import org.ehrflow.demo.sources.FhirPublisher;
import org.ehrflow.demo.sources.FhirRestSender;
import org.ehrflow.demo.sources.Hl7Sender;
import org.ehrflow.demo.sources.SyntheticDocuments;
import org.ehrflow.demo.sources.SyntheticEhr;
import org.ehrflow.demo.sources.SyntheticHl7;
import org.ehrflow.ehrsim.EhrWriter;
import org.ehrflow.ehrsim.sim.EhrSimulator;
import org.ehrflow.embedding.ModelVariant;
import org.ehrflow.embedding.OnnxEmbedder;
import org.ehrflow.localstack.Dirs;
import org.ehrflow.localstack.EmbeddedKafka;
import org.ehrflow.localstack.LocalPostgres;
import org.ehrflow.pipeline.Pipeline;
import org.ehrflow.runtime.KafkaSettings;
import org.ehrflow.runtime.OpsEndpoint;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.PatientKey;

/**
 * README command 1: starts the embedded stack (in-JVM KRaft broker, project-owned PostgreSQL with pgvector) and
 * every stage, feeds it HL7 over MLLP, FHIR bundles and EHR database changes, waits until everything is indexed,
 * and reports counts, freshness and a patient-scoped search with provenance.
 */
public final class DemoApp {

    private DemoApp() {
    }

    public static void main(String[] args) throws Exception {
        DemoOptions opts;
        try {
            opts = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage());
            System.exit(2);
            return;
        }
        PrintStream out = System.out;
        Path work = Files.createTempDirectory("ehrflow-demo-");
        out.println("== Starting the embedded stack (KRaft broker, PostgreSQL + pgvector) ==");
        try (LocalPostgres pg = LocalPostgres.startTemporary();
                EmbeddedKafka kafka = EmbeddedKafka.start();
                OpsEndpoint ops = OpsEndpoint.start("ehrflow-demo", "127.0.0.1", 0);
                // The EHR's FHIR server: DocumentReferences point at their C-CDA by Binary/<id> (issue 12).
                DemoFhirServer fhirServer = documentServer(opts);
                Pipeline pipeline = Pipeline.start(KafkaSettings.of(kafka.bootstrapServers()), pg, work,
                        opts.partitions(), ops.registry(), fhirServer.base())) {
            ops.readiness(pipeline::healthy);
            out.printf("  broker %s, PostgreSQL 127.0.0.1:%d, MLLP 127.0.0.1:%d, metrics http://127.0.0.1:%d/metrics%n",
                    kafka.bootstrapServers(), pg.port(), pipeline.mllpPort(), ops.port());
            feed(pipeline, opts, out);
            out.println("\n== Waiting until everything is indexed ==");
            new DrainWatcher(pipeline, out).awaitDrained(Duration.ofSeconds(3), Duration.ofMinutes(10));
            report(pipeline, out);
            if (opts.keep()) {
                out.println("\n--keep: stack running; press Ctrl-C to stop. Connect to the vector database with");
                out.println("  " + psqlLine(pg, work));
                Thread.currentThread().join();
            }
        } finally {
            deleteTree(work);
        }
    }

    /**
     * A {@code psql} command line for the running cluster: the password goes to a {@code .pgpass} file readable by
     * its owner only (inside the work directory, deleted with it), never onto the command line or the screen.
     */
    private static String psqlLine(LocalPostgres pg, Path work) {
        Path pass = Dirs.writeOwnerOnly(work.resolve("pgpass"), "127.0.0.1:" + pg.port() + ":*:" + pg.superuser()
                + ":" + pg.superuserPassword().value() + "\n");
        return "PGPASSFILE=" + pass + " psql -h 127.0.0.1 -p " + pg.port() + " -U " + pg.superuser() + " "
                + Pipeline.RAG_DB;
    }

    private static void feed(Pipeline pipeline, DemoOptions opts, PrintStream out) throws Exception {
        out.println("\n== Feeding sources ==");
        Hl7Sender hl7 = new Hl7Sender("127.0.0.1", pipeline.mllpPort());
        List<Path> hl7Files = Hl7Sender.filesIn(opts.corpus().resolve("hl7v2"));
        Map<String, Integer> acks = hl7.sendFiles(hl7Files);
        acks.merge(hl7.send(SyntheticHl7.admit("DEMO-ADT-1")), 1, Integer::sum);
        acks.merge(hl7.send(SyntheticHl7.troponin("DEMO-ORU-1")), 1, Integer::sum);
        acks.merge(hl7.send(SyntheticHl7.dischargeSummary("DEMO-MDM-1")), 1, Integer::sum);
        acks.merge(hl7.send(SyntheticHl7.garbage()), 1, Integer::sum);
        out.printf("  HL7 v2 over MLLP: %d messages, ACKs %s%n", hl7Files.size() + 4, acks);
        // Documents (issue 12): a scanned PDF and a windows-1252 HTML report in HL7 ED, a C-CDA by reference.
        Map<String, Integer> docAcks = new TreeMap<>();
        docAcks.merge(hl7.send(SyntheticDocuments.oruWithDocument("DEMO-DOC-SCAN-1", "PATH-1",
                "11526-1^Pathology study^LN", "AP", "PDF", SyntheticDocuments.scannedPathologyPdf())), 1, Integer::sum);
        docAcks.merge(hl7.send(SyntheticDocuments.oruWithDocument("DEMO-DOC-NBS-1", "NBS-1",
                "57128-1^Newborn screening report^LN", "TEXT", "HTML", SyntheticDocuments.newbornScreenHtml())), 1,
                Integer::sum);
        out.printf("  documents in HL7 ED over MLLP: scanned PDF + windows-1252 HTML, ACKs %s%n", docAcks);

        // issue 13: FHIR arrives through fhir-gateway's REST endpoint, as an EHR would send it.
        int fhirDocs = 0;
        Map<Integer, Integer> fhirStatus = FhirRestSender.newCounts();
        try (FhirRestSender fhir = new FhirRestSender(pipeline.kafka(), "synthea-demo")) {
            for (Path f : jsonFiles(opts.corpus().resolve("fhir"))) {
                FhirRestSender.count(fhirStatus, fhir.send(Files.readString(f)));
                fhirDocs++;
            }
            out.printf("  FHIR R4 over REST (fhir-gateway %s): %d documents (bundles and single resources), "
                    + "HTTP statuses %s%n", fhir.baseUrl(), fhirDocs, fhirStatus);
        }
        try (FhirPublisher fhir = new FhirPublisher(pipeline.kafka(), "documents-demo")) {
            fhir.publish(SyntheticDocuments.documentReferenceBundle());
        }
        out.println("  FHIR R4: a DocumentReference whose C-CDA is Binary/" + SyntheticDocuments.CCDA_BINARY_ID
                + " on the demo FHIR server");

        var pg = pipeline.postgres();
        try (EhrWriter ehr = new EhrWriter(pg.jdbcUrl(Pipeline.EHR_DB), pg.superuser(), pg.superuserPassword())) {
            SyntheticEhr.Activity a = SyntheticEhr.run(ehr);
            out.printf("  EHR database (CDC): %d row changes (inserts, a note amended, a note deleted)%n",
                    a.changes());
            // Realistic background activity: admissions, notes amended, results corrected, orders cancelled,
            // deletions; bounded by count and time.
            EhrSimulator.Result sim = new EhrSimulator(ehr, 7).run(50, Duration.ofSeconds(10), 150);
            out.printf("  EHR simulator (CDC): %d more changes at %.0f/s %s%n", sim.changes(),
                    sim.changesPerSecond(), sim.byAction());
        }
    }

    private static void report(Pipeline pipeline, PrintStream out) throws Exception {
        DemoReport report = new DemoReport(pipeline.kafka(), out);
        report.stages();
        var pg = pipeline.postgres();
        try (Connection rag = pg.connect(Pipeline.RAG_DB);
                OnnxEmbedder embedder = OnnxEmbedder.load(ModelVariant.INT8)) {
            report.rowsAndFreshness(rag);
            String shared = PatientKey.of(PatientKeyResolver.DEFAULT_MRN_SYSTEM, SyntheticEhr.SHARED_MRN);
            report.search(rag, embedder, shared, "What is the plan for the chest pain?", 3);
            String docs = PatientKey.of(SyntheticDocuments.MRN_SYSTEM, SyntheticDocuments.MRN);
            report.search(rag, embedder, docs, "What did the breast biopsy show?", 2);
            report.search(rag, embedder, docs, "What is the assessment of the GI bleed?", 2);
            String synthea = busiestPatient(rag);
            if (synthea != null) {
                report.search(rag, embedder, synthea, "Which medications and immunizations were given?", 3);
            }
            // issue 16: the same question through the retrieval API (scoped token, reader login, audit record)
            out.println("\n== The retrieval API: one POST /v1/retrieve ==");
            org.ehrflow.api.demo.DemoRetrieval.run(pg.jdbcUrl(Pipeline.RAG_DB), pg.superuser(),
                    pg.superuserPassword(), embedder, shared, "What is the plan for the chest pain?", out);
        }
    }

    /** The demo FHIR server, holding the corpus's C-CDA progress note as a Binary (if the corpus has it). */
    private static DemoFhirServer documentServer(DemoOptions opts) throws IOException {
        DemoFhirServer server = new DemoFhirServer();
        Path ccda = opts.corpus().resolve("documents").resolve("ccda_progress_note_msfhirconv_01.xml");
        if (Files.exists(ccda)) {
            server.put(SyntheticDocuments.CCDA_BINARY_ID, "application/hl7-v3+xml", Files.readAllBytes(ccda));
        }
        return server;
    }

    private static String busiestPatient(Connection rag) throws Exception {
        try (var st = rag.createStatement(); var rs = st.executeQuery(
                "SELECT patient_key FROM ehrflow.chunk WHERE source_type = 'FHIR' "
                        + "GROUP BY patient_key ORDER BY count(*) DESC, patient_key LIMIT 1")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static List<Path> jsonFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
