package io.pvcresizer.tools.deadletters;

/**
 * Turns record bytes into text that fits on one terminal line: UTF-8 characters that print stay as they are, every
 * other byte becomes {@code \xNN} (backslash, newline, carriage return and tab become {@code \\ \n \r \t}).
 */
final class PrintableText {

    /** What ends a text cut at its maximum length. */
    static final String CUT = "...";

    private PrintableText() {
    }

    /** The whole of {@code bytes} as printable text; null for null. */
    static String of(byte[] bytes) {
        return of(bytes, Integer.MAX_VALUE);
    }

    /**
     * The first {@code maxChars} characters of {@code bytes} as printable text, followed by {@value #CUT} when there
     * was more; an escaped byte counts as one character. Null for null.
     */
    static String of(byte[] bytes, int maxChars) {
        if (bytes == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(bytes.length, maxChars) + 8);
        int chars = 0;
        int i = 0;
        while (i < bytes.length) {
            if (chars == maxChars) {
                out.append(CUT);
                break;
            }
            int b = bytes[i] & 0xff;
            if (b < 0x80) {
                appendAscii(out, b);
                i++;
            } else {
                int length = sequenceLength(bytes, i);
                int codePoint = length == 0 ? -1 : decode(bytes, i, length);
                if (codePoint >= 0 && printable(codePoint)) {
                    out.appendCodePoint(codePoint);
                    i += length;
                } else {
                    for (int end = i + Math.max(length, 1); i < end; i++) {
                        appendEscaped(out, bytes[i] & 0xff);
                    }
                }
            }
            chars++;
        }
        return out.toString();
    }

    private static void appendAscii(StringBuilder out, int b) {
        switch (b) {
            case '\\' -> out.append("\\\\");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            default -> {
                if (b >= 0x20 && b < 0x7f) {
                    out.append((char) b);
                } else {
                    appendEscaped(out, b);
                }
            }
        }
    }

    private static void appendEscaped(StringBuilder out, int b) {
        out.append("\\x").append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16));
    }

    /** Length of the well-formed UTF-8 sequence that starts at {@code i}, or 0 when there is none. */
    private static int sequenceLength(byte[] bytes, int i) {
        int b = bytes[i] & 0xff;
        int length;
        if (b >= 0xc2 && b <= 0xdf) {
            length = 2;
        } else if (b >= 0xe0 && b <= 0xef) {
            length = 3;
        } else if (b >= 0xf0 && b <= 0xf4) {
            length = 4;
        } else {
            return 0;
        }
        if (i + length > bytes.length) {
            return 0;
        }
        for (int k = 1; k < length; k++) {
            if ((bytes[i + k] & 0xc0) != 0x80) {
                return 0;
            }
        }
        return length;
    }

    /** The code point of a sequence of the right shape, or -1 when it is overlong, a surrogate or out of range. */
    private static int decode(byte[] bytes, int i, int length) {
        int codePoint = bytes[i] & (0xff >> (length + 1));
        for (int k = 1; k < length; k++) {
            codePoint = (codePoint << 6) | (bytes[i + k] & 0x3f);
        }
        int smallest = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
        boolean valid = codePoint >= smallest && codePoint <= Character.MAX_CODE_POINT
                && !(codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE);
        return valid ? codePoint : -1;
    }

    private static boolean printable(int codePoint) {
        if (!Character.isDefined(codePoint) || Character.isISOControl(codePoint)) {
            return false;
        }
        int type = Character.getType(codePoint);
        return type != Character.FORMAT && type != Character.LINE_SEPARATOR && type != Character.PARAGRAPH_SEPARATOR
                && type != Character.PRIVATE_USE && type != Character.SURROGATE && type != Character.UNASSIGNED;
    }
}
