package io.pvcresizer.common.quantity;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Converts Kubernetes storage quantities to bytes, exactly for every suffix, and bytes back to a canonical quantity. */
public final class StorageQuantities {

    private static final long KI = 1024L;
    private static final String[] BINARY_SUFFIXES = {"Ei", "Pi", "Ti", "Gi", "Mi", "Ki"};
    /** A Kubernetes quantity: a signed decimal number and a suffix (as resource.Quantity parses it). */
    private static final java.util.regex.Pattern QUANTITY =
            java.util.regex.Pattern.compile("([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))([a-zA-Z]*|[eE][+-]?[0-9]+)");
    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)");
    private static final java.util.regex.Pattern EXPONENT = java.util.regex.Pattern.compile("[eE][+-]?[0-9]+");

    private StorageQuantities() {
    }

    /**
     * Bytes of a quantity, exactly (fabric8's own conversion rounds to 16 significant digits: {@code 1Ei} would be 24
     * bytes too many), rounded up to a whole byte; refuses negative, unparseable and too large values.
     */
    public static long toBytes(Quantity quantity) {
        if (quantity == null) {
            throw new IllegalArgumentException("no quantity");
        }
        String amount = quantity.getAmount() == null ? "" : quantity.getAmount().trim();
        String format = quantity.getFormat() == null ? "" : quantity.getFormat().trim();
        return exactBytes(amount + format, amount, format);
    }

    private static long exactBytes(String whole, String amount, String format) {
        if (!NUMBER.matcher(amount).matches()) {
            throw new IllegalArgumentException("invalid quantity \"" + whole + "\"");
        }
        BigDecimal number = new BigDecimal(amount);
        BigDecimal multiplier = multiplier(whole, format);
        if (number.signum() < 0) {
            throw new IllegalArgumentException("negative quantity \"" + whole + "\"");
        }
        try {
            return number.multiply(multiplier).setScale(0, RoundingMode.CEILING).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("quantity \"" + whole + "\" is too large (more than "
                    + Long.MAX_VALUE + " bytes)", e);
        }
    }

    /** The exact factor of a Kubernetes quantity suffix: binary SI, decimal SI, or a decimal exponent. */
    private static BigDecimal multiplier(String whole, String format) {
        switch (format) {
            case "": return BigDecimal.ONE;
            case "Ki": return BigDecimal.valueOf(KI);
            case "Mi": return BigDecimal.valueOf(KI * KI);
            case "Gi": return BigDecimal.valueOf(KI * KI * KI);
            case "Ti": return BigDecimal.valueOf(KI * KI * KI * KI);
            case "Pi": return BigDecimal.valueOf(KI * KI * KI * KI * KI);
            case "Ei": return BigDecimal.valueOf(KI * KI * KI * KI * KI * KI);
            case "n": return BigDecimal.ONE.scaleByPowerOfTen(-9);
            case "u": return BigDecimal.ONE.scaleByPowerOfTen(-6);
            case "m": return BigDecimal.ONE.scaleByPowerOfTen(-3);
            case "k": return BigDecimal.ONE.scaleByPowerOfTen(3);
            case "M": return BigDecimal.ONE.scaleByPowerOfTen(6);
            case "G": return BigDecimal.ONE.scaleByPowerOfTen(9);
            case "T": return BigDecimal.ONE.scaleByPowerOfTen(12);
            case "P": return BigDecimal.ONE.scaleByPowerOfTen(15);
            case "E": return BigDecimal.ONE.scaleByPowerOfTen(18);
            default:
                if (EXPONENT.matcher(format).matches()) {
                    int exponent = Integer.parseInt(format.substring(1));
                    if (Math.abs(exponent) > 40) {
                        throw new IllegalArgumentException("quantity \"" + whole + "\" is too large or too small");
                    }
                    return BigDecimal.ONE.scaleByPowerOfTen(exponent);
                }
                throw new IllegalArgumentException("invalid quantity \"" + whole + "\": unknown suffix \"" + format + "\"");
        }
    }

    /** Bytes of a quantity string such as {@code 640Mi} or {@code 5G}, exactly. */
    public static long toBytes(String quantity) {
        if (quantity == null || quantity.isBlank()) {
            throw new IllegalArgumentException("empty quantity");
        }
        String trimmed = quantity.trim();
        java.util.regex.Matcher parts = QUANTITY.matcher(trimmed);
        if (!parts.matches()) {
            throw new IllegalArgumentException("invalid quantity \"" + quantity + "\"");
        }
        return exactBytes(trimmed, parts.group(1), parts.group(2));
    }

    /** The canonical Kubernetes form of a byte count: the largest binary suffix that divides it exactly. */
    public static String format(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative size " + bytes);
        }
        if (bytes == 0) {
            return "0";
        }
        long unit = KI * KI * KI * KI * KI * KI;
        for (String suffix : BINARY_SUFFIXES) {
            if (bytes % unit == 0) {
                return (bytes / unit) + suffix;
            }
            unit /= KI;
        }
        return Long.toString(bytes);
    }

    /** The quantity object of a byte count, in canonical form. */
    public static Quantity quantity(long bytes) {
        return new Quantity(format(bytes));
    }
}
