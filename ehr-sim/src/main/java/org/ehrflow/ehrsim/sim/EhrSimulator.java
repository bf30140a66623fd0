package org.ehrflow.ehrsim.sim;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.ehrflow.ehrsim.EhrWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the demo EHR database with synthetic clinical activity at a fixed rate, one committed change per step:
 * registrations, admissions and discharges, notes written and amended, lab results reported and corrected,
 * medication orders placed and cancelled, allergies, diagnoses recorded and resolved, records deleted. Bounded by
 * time and by count; the same seed replays the same activity. Synthetic data only.
 */
public final class EhrSimulator {

    private static final Logger LOG = LoggerFactory.getLogger(EhrSimulator.class);
    private static final int MAX_TRACKED = 2_000;

    /** One kind of change, with its relative weight in the mix. */
    public enum Action {
        REGISTER(4), ADMIT(6), DISCHARGE(4), NOTE(12), AMEND_NOTE(5), LAB(18), CORRECT_LAB(4), ORDER(10),
        CANCEL_ORDER(3), ALLERGY(3), DIAGNOSIS(8), RESOLVE_DIAGNOSIS(3), DELETE(4);

        final int weight;

        Action(int weight) {
            this.weight = weight;
        }
    }

    /** What a run did. */
    public record Result(int changes, Duration elapsed, Map<Action, Integer> byAction) {
        public double changesPerSecond() {
            return elapsed.isZero() ? 0 : changes * 1000.0 / elapsed.toMillis();
        }
    }

    private record Visit(long patientId, long encounterId) {
    }

    private final EhrWriter ehr;
    private final Random random;
    private final String mrnPrefix;
    private final List<Long> patients = new ArrayList<>();
    private final List<Visit> openVisits = new ArrayList<>();
    private final List<Long> notes = new ArrayList<>();
    private final List<Long> labs = new ArrayList<>();
    private final List<Long> activeOrders = new ArrayList<>();
    private final List<Long> diagnoses = new ArrayList<>();
    private int registered;

    public EhrSimulator(EhrWriter ehr, long seed) {
        // Unique per run, so repeated runs against one database never collide on MRN or visit number.
        this(ehr, seed, "SIM-" + seed + "-" + Long.toString(System.currentTimeMillis(), 36).toUpperCase() + "-");
    }

    /** A simulator whose MRNs and visit numbers start with {@code mrnPrefix}: the same seed, the same identities. */
    public EhrSimulator(EhrWriter ehr, long seed, String mrnPrefix) {
        this.ehr = ehr;
        this.random = new Random(seed);
        this.mrnPrefix = mrnPrefix;
    }

    /** Runs until {@code maxChanges} changes are committed or {@code maxDuration} has passed. */
    public Result run(int ratePerSecond, Duration maxDuration, int maxChanges) throws InterruptedException {
        Map<Action, Integer> counts = new EnumMap<>(Action.class);
        long start = System.nanoTime();
        long deadline = start + maxDuration.toNanos();
        long interval = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
        int done = 0;
        while (done < maxChanges) {
            long due = start + done * interval;
            long now = System.nanoTime();
            if (due >= deadline || now >= deadline) {
                break;
            }
            if (due > now) {
                TimeUnit.NANOSECONDS.sleep(due - now);
            }
            Action a = step();
            counts.merge(a, 1, Integer::sum);
            done++;
        }
        Result r = new Result(done, Duration.ofNanos(System.nanoTime() - start), counts);
        LOG.info("simulator committed {} changes in {} ms ({} /s): {}", r.changes(), r.elapsed().toMillis(),
                Math.round(r.changesPerSecond()), counts);
        return r;
    }

    /** Commits one change and says which. */
    public Action step() {
        Action a = pick();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        switch (a) {
            case REGISTER -> register();
            case ADMIT -> admit(now);
            case DISCHARGE -> {
                Visit v = openVisits.remove(random.nextInt(openVisits.size()));
                ehr.finishEncounter(v.encounterId(), now);
            }
            case NOTE -> {
                Visit v = any(openVisits);
                String[] n = any(SyntheticCodes.NOTES);
                track(notes, ehr.insertNote(v.patientId(), v.encounterId(), n[0], "Dr Synthetic", now, n[1]));
            }
            case AMEND_NOTE -> ehr.updateNoteBody(any(notes), any(SyntheticCodes.NOTES)[1]
                    + "\n\nAddendum: reviewed with the attending; plan unchanged.");
            case LAB -> lab(now);
            case CORRECT_LAB -> ehr.correctLabResult(any(labs), Math.round(random.nextDouble() * 1000) / 10.0, "N");
            case ORDER -> {
                Visit v = any(openVisits);
                String[] m = any(SyntheticCodes.MEDS);
                track(activeOrders, ehr.insertMedicationOrder(v.patientId(), v.encounterId(), m[0], m[1], m[2], m[3],
                        m[4], "Dr Synthetic", now));
            }
            case CANCEL_ORDER -> ehr.setMedicationOrderStatus(
                    activeOrders.remove(random.nextInt(activeOrders.size())), "cancelled");
            case ALLERGY -> {
                String[] al = any(SyntheticCodes.ALLERGIES);
                ehr.insertAllergy(any(patients), al[0], al[1], al[2], al[3], al[4], now);
            }
            case DIAGNOSIS -> {
                Visit v = any(openVisits);
                String[] d = any(SyntheticCodes.DIAGNOSES);
                track(diagnoses, ehr.insertDiagnosis(v.patientId(), v.encounterId(), d[0], d[1],
                        "encounter-diagnosis", random.nextBoolean() ? "confirmed" : "provisional",
                        LocalDate.now().minusDays(random.nextInt(30)), now));
            }
            case RESOLVE_DIAGNOSIS -> ehr.setDiagnosisClinicalStatus(
                    diagnoses.remove(random.nextInt(diagnoses.size())), "resolved");
            case DELETE -> delete();
            default -> throw new IllegalStateException("unhandled " + a);
        }
        return a;
    }

    private void register() {
        int n = ++registered;
        long id = ehr.insertPatient(mrnPrefix + n, any(SyntheticCodes.FAMILY), any(SyntheticCodes.GIVEN),
                LocalDate.of(1930 + random.nextInt(90), 1 + random.nextInt(12), 1 + random.nextInt(28)),
                any(SyntheticCodes.SEX));
        track(patients, id);
    }

    private void admit(Instant now) {
        long patient = any(patients);
        String[] cls = {"inpatient", "emergency", "outpatient"};
        long enc = ehr.insertEncounter(patient, mrnPrefix + "V" + openVisits.size() + "-" + random.nextInt(1 << 30),
                any(cls), "in-progress", any(SyntheticCodes.DIAGNOSES)[1], now);
        openVisits.add(new Visit(patient, enc));
        if (openVisits.size() > MAX_TRACKED) {
            openVisits.remove(0);
        }
    }

    private void lab(Instant now) {
        Visit v = any(openVisits);
        String[] l = any(SyntheticCodes.LABS);
        double low = Double.parseDouble(l[3]);
        double high = Double.parseDouble(l[4]);
        double value = Math.round((low + (high - low) * (random.nextDouble() * 1.6 - 0.3)) * 10) / 10.0;
        String flag = value < low ? "L" : value > high ? "H" : "N";
        track(labs, ehr.insertLabResult(v.patientId(), v.encounterId(), l[0], l[1], value, null, l[2], l[5], flag,
                random.nextInt(4) == 0 ? "preliminary" : "final", now.minusSeconds(600)));
    }

    private void delete() {
        if (!notes.isEmpty() && (labs.isEmpty() || random.nextBoolean())) {
            ehr.delete(EhrWriter.Table.NOTES, notes.remove(random.nextInt(notes.size())));
        } else {
            ehr.delete(EhrWriter.Table.LAB_RESULTS, labs.remove(random.nextInt(labs.size())));
        }
    }

    // A weighted choice among the actions whose preconditions hold (e.g. no discharge without an open visit).
    private Action pick() {
        int total = 0;
        int[] weights = new int[Action.values().length];
        for (Action a : Action.values()) {
            weights[a.ordinal()] = possible(a) ? a.weight : 0;
            total += weights[a.ordinal()];
        }
        int r = random.nextInt(total);
        for (Action a : Action.values()) {
            r -= weights[a.ordinal()];
            if (r < 0) {
                return a;
            }
        }
        return Action.REGISTER;
    }

    private boolean possible(Action a) {
        return switch (a) {
            case REGISTER -> true;
            case ADMIT, ALLERGY -> !patients.isEmpty();
            case DISCHARGE, NOTE, LAB, ORDER, DIAGNOSIS -> !openVisits.isEmpty();
            case AMEND_NOTE -> !notes.isEmpty();
            case CORRECT_LAB -> !labs.isEmpty();
            case CANCEL_ORDER -> !activeOrders.isEmpty();
            case RESOLVE_DIAGNOSIS -> !diagnoses.isEmpty();
            case DELETE -> !notes.isEmpty() || !labs.isEmpty();
        };
    }

    private void track(List<Long> ids, long id) {
        ids.add(id);
        if (ids.size() > MAX_TRACKED) {
            ids.remove(0);
        }
    }

    private <T> T any(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private <T> T any(T[] array) {
        return array[random.nextInt(array.length)];
    }

    /** Reads {@code EHRFLOW_SIM_*} and runs once. */
    public static void main(String[] args) throws InterruptedException {
        SimulatorConfig c = SimulatorConfig.fromEnv(System.getenv());
        try (EhrWriter ehr = new EhrWriter(c.jdbcUrl(), c.user(), c.password())) {
            new EhrSimulator(ehr, c.seed()).run(c.rate(), c.duration(), c.maxChanges());
        }
    }
}
