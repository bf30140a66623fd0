package org.ehrflow.normalizer.bench;

import io.github.linuxforhealth.hl7.ConverterOptions;
import io.github.linuxforhealth.hl7.HL7ToFHIRConverter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.ZoneOffset;
import java.util.List;
import org.ehrflow.normalizer.mapping.LinkLookup;
import org.ehrflow.normalizer.mapping.MappingResult;
import org.ehrflow.normalizer.mapping.hl7.Hl7v2Mapper;
import org.ehrflow.runtime.identity.PatientKeyResolver;
import org.ehrflow.schemas.FhirRecord;
import org.ehrflow.schemas.Topics;

/**
 * A load-robust companion to {@link ConverterBenchmark}: per message type, the converting thread's own CPU time
 * (ThreadMXBean) for the same messages through this module and LinuxForHealth, in alternating rounds so both see
 * the same machine. Reports messages per CPU-second per thread and the ratio. Not a test:
 * {@code java ... org.ehrflow.normalizer.bench.CpuTimeComparison [rounds]}.
 */
public final class CpuTimeComparison {

    private CpuTimeComparison() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        Hl7v2Mapper ehrflow = new Hl7v2Mapper(PatientKeyResolver.defaults(), ZoneOffset.UTC);
        HL7ToFHIRConverter lfh = new HL7ToFHIRConverter();
        ConverterOptions o = new ConverterOptions.Builder().build();
        System.out.printf("%-8s %5s %14s %14s %8s%n", "type", "files", "ehrflow msg/s", "LFH msg/s", "ratio");
        for (String type : TYPES) {
            List<String> msgs = ConverterBenchmark.bothConvert(type, ehrflow, lfh, o);
            long ours = 0;
            long theirs = 0;
            int oursN = 0;
            int theirsN = 0;
            for (int r = 0; r < rounds + 2; r++) { // the first two rounds warm up
                long t0 = cpu.getCurrentThreadCpuTime();
                for (int i = 0; i < 50; i++) {
                    for (String m : msgs) {
                        MappingResult res = ehrflow.map("k", ConverterBenchmark.raw(m), LinkLookup.NONE);
                        for (FhirRecord rec : ((MappingResult.Mapped) res).records()) {
                            Topics.FHIR_RESOURCES.valueSerde().serializer().serialize("t", rec);
                        }
                    }
                }
                long t1 = cpu.getCurrentThreadCpuTime();
                for (int i = 0; i < 2; i++) {
                    for (String m : msgs) {
                        lfh.convert(m, o);
                    }
                }
                long t2 = cpu.getCurrentThreadCpuTime();
                if (r >= 2) {
                    ours += t1 - t0;
                    oursN += 50 * msgs.size();
                    theirs += t2 - t1;
                    theirsN += 2 * msgs.size();
                }
            }
            double oursRate = oursN / (ours / 1e9);
            double theirsRate = theirsN / (theirs / 1e9);
            System.out.printf("%-8s %5d %14.0f %14.0f %7.1fx%n", type, msgs.size(), oursRate, theirsRate,
                    oursRate / theirsRate);
        }
    }

    static final List<String> TYPES = List.of("ADT^A01", "ADT^A04", "ADT^A08", "ORU^R01", "MDM^T02", "ORM^O01",
            "OML^O21", "RDE^O11", "VXU^V04");
}
