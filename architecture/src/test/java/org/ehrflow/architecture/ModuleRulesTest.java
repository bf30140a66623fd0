package org.ehrflow.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.net.InetSocketAddress;
import java.util.List;
import org.ehrflow.runtime.HttpServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module graph and layering rules of docs/ARCHITECTURE.md, checked on every module's main classes (tests may
 * reach across: the cross-stage ITs do).
 */
class ModuleRulesTest {

    /**
     * The stage modules' root packages: each runs as its own process and must not reach into another. The
     * all-in-one {@code pipeline}, the {@code demo} and {@code chaos} wire every stage together by design.
     */
    static final List<String> STAGES = List.of("listener", "normalizer", "cdc", "chunker", "documents", "sink",
            "gateway", "api", "ops");

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.ehrflow");
    }

    @Test
    void pureMappingAndChunkingCodeNeverSeesKafka() {
        noClasses().that().resideInAnyPackage("org.ehrflow.normalizer.mapping..", "org.ehrflow.chunker.chunking..",
                        "org.ehrflow.documents.extract..", "org.ehrflow.documents.mapping..", "org.ehrflow.hl7..",
                        "org.ehrflow.cdcmap..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..")
                .because("mapping is a pure function of its input: testable, benchmarkable, reusable outside Kafka")
                .check(main);
    }

    @Test
    void stageModulesNeverImportEachOther() {
        for (String stage : STAGES) {
            String[] others = STAGES.stream().filter(s -> !s.equals(stage)).map(s -> "org.ehrflow." + s + "..")
                    .toArray(String[]::new);
            noClasses().that().resideInAPackage("org.ehrflow." + stage + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(others)
                    .because("each stage is its own process and image; shared code lives in runtime, schemas or a "
                            + "library module")
                    .check(main);
        }
    }

    @Test
    void sharedModulesDependOnNoStage() {
        String[] stages = STAGES.stream().map(s -> "org.ehrflow." + s + "..").toArray(String[]::new);
        noClasses().that().resideInAnyPackage("org.ehrflow.runtime..", "org.ehrflow.schemas..",
                        "org.ehrflow.embedding..", "org.ehrflow.hl7..", "org.ehrflow.mllp..", "org.ehrflow.cdcmap..",
                        "org.ehrflow.ehrsim..")
                .should().dependOnClassesThat().resideInAnyPackage(stages)
                .check(main);
    }

    @Test
    void httpServersAreCreatedInOnePlace() {
        noClasses().that().doNotHaveFullyQualifiedName(HttpServers.class.getName())
                .should().callMethod(HttpServer.class, "create", InetSocketAddress.class, int.class)
                .orShould().callMethod(HttpsServer.class, "create", InetSocketAddress.class, int.class)
                .orShould().callMethod(HttpServer.class, "create")
                .orShould().callMethod(HttpsServer.class, "create")
                .because("runtime.HttpServers turns Nagle's delay off before the JDK server reads its settings")
                .check(main);
    }

    @Test
    void modulesAreFreeOfCycles() {
        slices().matching("org.ehrflow.(*)..").should().beFreeOfCycles().check(main);
    }

    /**
     * Within a module, sub-packages form no cycle. The module's root package is its composition root (the app,
     * its config record) and is left out: sub-packages may read the config it defines, and it wires them.
     */
    @Test
    void subPackagesAreFreeOfCycles() {
        slices().matching("org.ehrflow.(*).(**)").should().beFreeOfCycles().check(main);
    }
}
