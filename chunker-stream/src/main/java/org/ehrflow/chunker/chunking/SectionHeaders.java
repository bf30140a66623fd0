package org.ehrflow.chunker.chunking;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises clinical section header lines: markdown headings ("# Assessment and Plan"), labels with a colon
 * ("HISTORY OF PRESENT ILLNESS:", "Plan: continue"), and bare known section names ("ROS", "Physical Exam").
 * Case-insensitive; bold/underline markup around the name is ignored.
 */
public final class SectionHeaders {

    /** A recognised header: the section name as written, and any text that followed it on the same line. */
    public record Header(String name, String inlineText) {
    }

    private static final Pattern MARKDOWN = Pattern.compile("^#{1,6}\\s*(.*?)\\s*#*\\s*$");
    private static final Pattern LABEL = Pattern.compile("^([A-Za-z][A-Za-z0-9 /&,()'+-]{0,60}?)\\s*:\\s*(.*)$");
    private static final Pattern MARKUP = Pattern.compile("^[*_]+|[*_]+$");
    private static final int MAX_LINE = 120;

    // Common section titles of H&P, progress, ED, discharge and consult notes (normalised form, see key()).
    private static final Set<String> KNOWN = Set.of(
            "chief complaint", "cc", "reason for visit", "reason for admission", "reason for referral",
            "reason for consultation", "history of present illness", "hpi", "interval history", "history",
            "past medical history", "pmh", "past surgical history", "psh", "past history", "family history", "fh",
            "social history", "sh", "review of systems", "ros", "physical exam", "physical examination", "exam",
            "examination", "pe", "vital signs", "vitals", "medications", "medication", "current medications",
            "home medications", "medications on admission", "admission medications", "discharge medications",
            "allergies", "allergy", "allergies and adverse reactions", "adverse reactions", "assessment",
            "assessment and plan", "a/p", "a and p", "plan", "impression", "impression and plan", "diagnosis",
            "diagnoses", "admission diagnosis", "discharge diagnosis", "discharge diagnoses", "final diagnosis",
            "hospital course", "brief hospital course", "ed course", "course", "labs", "laboratory",
            "laboratory data", "lab results", "results", "findings", "imaging", "radiology", "procedures",
            "procedure", "operations and procedures", "recommendations", "follow up", "follow-up",
            "followup", "disposition", "discharge instructions", "instructions", "patient instructions",
            "subjective", "objective", "immunizations", "problem list", "problems", "active problems",
            "conclusion", "conclusions", "summary", "clinical history", "indication", "indications",
            "technique", "comparison", "history and physical", "condition at discharge", "discharge condition",
            "mental status", "neurological", "heent", "cardiovascular", "respiratory", "abdomen", "skin",
            "encounter diagnoses", "care plan", "goals", "addendum");

    private SectionHeaders() {
    }

    /** The header on {@code line}, if the line is one. */
    public static Optional<Header> match(String line) {
        String t = line.strip();
        if (t.isEmpty() || t.length() > MAX_LINE) {
            return Optional.empty();
        }
        Matcher md = MARKDOWN.matcher(t);
        if (t.startsWith("#") && md.matches()) {
            String name = unmark(md.group(1));
            if (name.endsWith(":")) {
                name = name.substring(0, name.length() - 1).strip();
            }
            return hasLetter(name) ? Optional.of(new Header(name, "")) : Optional.empty();
        }
        String plain = unmark(t);
        Matcher lb = LABEL.matcher(plain);
        if (lb.matches()) {
            String name = unmark(lb.group(1).strip());
            String rest = lb.group(2).strip();
            boolean known = isKnown(name);
            if (rest.isEmpty() ? known || isCapsTitle(name) : known) {
                return Optional.of(new Header(name, rest));
            }
            return Optional.empty();
        }
        return isKnown(plain) ? Optional.of(new Header(plain, "")) : Optional.empty();
    }

    /** Whether {@code name} is a known section title (any case, "&" or "and", with or without punctuation). */
    public static boolean isKnown(String name) {
        return KNOWN.contains(key(name));
    }

    static String key(String name) {
        return name.toLowerCase(Locale.ROOT).replace("&", " and ").replaceAll("[^a-z/-]+", " ")
                .replaceAll("\\s+", " ").strip();
    }

    // An all-capitals label such as "HOSPITAL COURSE:" is a heading in dictated notes; "BP:" (too short) is not.
    private static boolean isCapsTitle(String name) {
        long letters = name.chars().filter(Character::isLetter).count();
        boolean noLower = name.chars().noneMatch(Character::isLowerCase);
        return letters >= 3 && noLower && name.split("\\s+").length <= 6;
    }

    private static String unmark(String s) {
        return MARKUP.matcher(s.strip()).replaceAll("").strip();
    }

    private static boolean hasLetter(String s) {
        return s.chars().anyMatch(Character::isLetter);
    }
}
