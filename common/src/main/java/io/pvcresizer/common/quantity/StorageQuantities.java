package io.pvcresizer.common.quantity;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Converts Kubernetes storage quantities to bytes and back, using fabric8's {@link Quantity} for the parsing. */
public final class StorageQuantities {

    private static final long KI = 1024L;
    private static final String[] BINARY_SUFFIXES = {"Ei", "Pi", "Ti", "Gi", "Mi", "Ki"};

    private StorageQuantities() {
    }

    /** Bytes of a quantity, rounded up to a whole byte; refuses negative or unparseable values. */
    public static long toBytes(Quantity quantity) {
        if (quantity == null) {
            throw new IllegalArgumentException("no quantity");
        }
        BigDecimal bytes;
        try {
            bytes = quantity.getNumericalAmount();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("invalid quantity \"" + quantity + "\"", e);
        }
        if (bytes.signum() < 0) {
            throw new IllegalArgumentException("negative quantity \"" + quantity + "\"");
        }
        try {
            return bytes.setScale(0, RoundingMode.CEILING).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("quantity \"" + quantity + "\" is too large", e);
        }
    }

    /** Bytes of a quantity string such as {@code 640Mi} or {@code 5G}. */
    public static long toBytes(String quantity) {
        if (quantity == null || quantity.isBlank()) {
            throw new IllegalArgumentException("empty quantity");
        }
        try {
            return toBytes(new Quantity(quantity.trim()));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("quantity \"" + quantity + "\" does not fit in bytes", e);
        }
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
