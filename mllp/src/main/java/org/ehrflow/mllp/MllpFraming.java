package org.ehrflow.mllp;

/**
 * The MLLP envelope (HL7 v2 Implementation Guide, appendix C): {@code <VT> message <FS><CR>}. The message bytes
 * are opaque here; HL7 text never contains VT or FS, so no escaping is needed.
 */
public final class MllpFraming {

    /** Start block, vertical tab. */
    public static final byte START = 0x0B;
    /** End block, file separator. */
    public static final byte END = 0x1C;
    /** Carriage return that follows the end block. */
    public static final byte CR = 0x0D;

    private MllpFraming() {
    }

    /** {@code payload} wrapped in the MLLP envelope. */
    public static byte[] frame(byte[] payload) {
        byte[] out = new byte[payload.length + 3];
        out[0] = START;
        System.arraycopy(payload, 0, out, 1, payload.length);
        out[out.length - 2] = END;
        out[out.length - 1] = CR;
        return out;
    }
}
