package org.ehrflow.hl7.oracle;

import java.util.List;
import java.util.Random;

/**
 * Seeded variants of real messages that stay well-formed ER7 (both readers must be able to split them): field
 * values with escape sequences, explicit nulls, blanks, extra repetitions and components, LF terminators, and
 * the whole message re-encoded with non-standard delimiters.
 */
final class Fuzzer {

    private static final List<String> INSERTS = List.of("\\F\\", "\\S\\", "\\T\\", "\\R\\", "\\E\\", "\\X41\\",
            "\\X4142\\", "\\.br\\", "\\H\\", "\\N\\", "\"\"", " ", "~", "^", "&", "~~", "^^", "\\Xc3a9\\", "\\.sp\\");
    private static final String ALTERNATE = "#$%!*@?;:/";

    private final Random random;

    Fuzzer(long seed) {
        random = new Random(seed);
    }

    /** One variant of normalised {@code msg} (MSH first, CR terminators, standard delimiters). */
    String variant(String msg) {
        StringBuilder sb = new StringBuilder(msg);
        int edits = 1 + random.nextInt(6);
        for (int i = 0; i < edits; i++) {
            int mshEnd = sb.indexOf("\r");
            int from = mshEnd < 0 ? sb.length() : mshEnd + 1; // MSH-1/MSH-2 stay intact
            if (from >= sb.length()) {
                break;
            }
            int at = from + random.nextInt(sb.length() - from);
            int pipe = sb.indexOf("|", at);
            if (pipe < 0) {
                continue;
            }
            sb.insert(pipe + 1, INSERTS.get(random.nextInt(INSERTS.size())));
        }
        String out = sb.toString();
        if (random.nextInt(4) == 0) {
            out = reencode(out);
        }
        return out;
    }

    /** {@code msg} with |^~\& swapped for unused characters, consistently (escape sequences move with them). */
    private String reencode(String msg) {
        char[] std = {'|', '^', '~', '\\', '&'};
        char[] alt = new char[5];
        int n = 0;
        for (char c : ALTERNATE.toCharArray()) {
            if (n < 5 && msg.indexOf(c) < 0) {
                alt[n++] = c;
            }
        }
        if (n < 5) {
            return msg;
        }
        StringBuilder sb = new StringBuilder(msg.length());
        for (char c : msg.toCharArray()) {
            int k = new String(std).indexOf(c);
            sb.append(k < 0 ? c : alt[k]);
        }
        return sb.toString();
    }
}
