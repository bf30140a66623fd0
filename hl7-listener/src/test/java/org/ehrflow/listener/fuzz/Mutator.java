package org.ehrflow.listener.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

/** Seeded mutations of corpus messages for the fuzz test: each call applies one kind of damage. */
public final class Mutator {

    private static final byte VT = 0x0B;
    private static final byte FS = 0x1C;
    private static final String[] MSH18 = {"UNICODE UTF-8", "8859/1", "ASCII", "UNICODE UTF-16", "ISO IR87",
        "8859/15", "BOGUS", "UNICODE", ""};
    private static final Charset[] ENCODINGS = {StandardCharsets.UTF_8, StandardCharsets.ISO_8859_1,
        StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE, StandardCharsets.US_ASCII,
                Charset.forName("windows-1252")};
    private static final String[] EXOTIC = {"é", "ß", "漢字", "😀", "\u0000", "\uFFFD", "Ω", "\\X0D\\", "\\F\\"};

    private final Random rnd;
    private final List<byte[]> corpus;
    private final int oversize;

    /**
     * @param oversize a size over the listener's frame limit, used by {@link #oversized()}
     */
    public Mutator(long seed, List<byte[]> corpus, int oversize) {
        this.rnd = new Random(seed);
        this.corpus = corpus;
        this.oversize = oversize;
    }

    /** One damaged message (under the frame limit); never the corpus bytes unchanged except by chance. */
    public byte[] next() {
        byte[] m = corpus.get(rnd.nextInt(corpus.size())).clone();
        return switch (rnd.nextInt(10)) {
            case 0 -> bitFlips(m);
            case 1 -> Arrays.copyOf(m, rnd.nextInt(m.length + 1));
            case 2 -> insert(m, new byte[] {VT});
            case 3 -> insert(m, rnd.nextBoolean() ? new byte[] {FS} : new byte[] {FS, '\r'});
            case 4 -> recharset(m);
            case 5 -> insert(m, repeat((byte) 'A', 10_000 + rnd.nextInt(190_000)));
            case 6 -> randomBytes(rnd.nextInt(2000));
            case 7 -> terminators(m);
            case 8 -> cutRange(m);
            default -> bitFlips(insert(m, new byte[] {(byte) rnd.nextInt(256)}));
        };
    }

    /** A message with one field so large the frame exceeds the listener's limit. */
    public byte[] oversized() {
        byte[] m = corpus.get(rnd.nextInt(corpus.size()));
        return insertAt(m, Math.min(m.length, 60), repeat((byte) 'Z', oversize));
    }

    private byte[] bitFlips(byte[] m) {
        if (m.length == 0) {
            return m;
        }
        for (int i = rnd.nextInt(8); i >= 0; i--) {
            int pos = rnd.nextInt(m.length);
            m[pos] ^= (byte) (1 << rnd.nextInt(8));
        }
        return m;
    }

    private byte[] insert(byte[] m, byte[] what) {
        return insertAt(m, rnd.nextInt(m.length + 1), what);
    }

    private static byte[] insertAt(byte[] m, int pos, byte[] what) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(m.length + what.length);
        out.write(m, 0, pos);
        out.write(what, 0, what.length);
        out.write(m, pos, m.length - pos);
        return out.toByteArray();
    }

    private byte[] recharset(byte[] m) {
        String text = new String(m, StandardCharsets.ISO_8859_1);
        String[] segs = text.split("\r", -1);
        if (segs[0].startsWith("MSH") && segs[0].length() > 4) {
            String sep = segs[0].substring(3, 4);
            String[] f = segs[0].split(Pattern.quote(sep), -1);
            String[] g = Arrays.copyOf(f, Math.max(f.length, 18));
            for (int i = 0; i < g.length; i++) {
                g[i] = g[i] == null ? "" : g[i];
            }
            g[17] = MSH18[rnd.nextInt(MSH18.length)];
            segs[0] = String.join(sep, g);
        }
        String joined = String.join("\r", segs);
        int at = rnd.nextInt(joined.length() + 1);
        joined = joined.substring(0, at) + EXOTIC[rnd.nextInt(EXOTIC.length)] + joined.substring(at);
        return joined.getBytes(ENCODINGS[rnd.nextInt(ENCODINGS.length)]);
    }

    private byte[] terminators(byte[] m) {
        String t = new String(m, StandardCharsets.ISO_8859_1);
        String term = switch (rnd.nextInt(3)) {
            case 0 -> "\n";
            case 1 -> "\r\n";
            default -> "\n\n\r";
        };
        byte[] out = t.replace("\r", term).getBytes(StandardCharsets.ISO_8859_1);
        return rnd.nextBoolean() ? insertAt(out, 0, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}) : out;
    }

    private byte[] cutRange(byte[] m) {
        if (m.length < 2) {
            return m;
        }
        int a = rnd.nextInt(m.length);
        int b = a + rnd.nextInt(m.length - a);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(m, 0, a);
        if (rnd.nextBoolean()) {
            out.write(m, a, b - a); // duplicate the range instead of dropping it
            out.write(m, a, b - a);
        }
        out.write(m, b, m.length - b);
        return out.toByteArray();
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static byte[] repeat(byte b, int n) {
        byte[] out = new byte[n];
        Arrays.fill(out, b);
        return out;
    }
}
