package io.pvcresizer.common.logging;

import io.pvcresizer.common.events.ResizeEvent;
import org.slf4j.MDC;

/**
 * Puts the operation id, the claim and the PV of the operation at hand into the logging MDC for as long as it is open,
 * so that every log line of the operation carries them; closing removes them again.
 */
public final class OperationLogContext implements AutoCloseable {

    public static final String OPERATION_ID = "operationId";
    public static final String PVC = "pvc";
    public static final String PV = "pv";

    private OperationLogContext() {
    }

    /** The context of an event: its operation, its claim (unless, as a node agent's own, it knows none) and its PV. */
    public static OperationLogContext enter(ResizeEvent event) {
        String claim = event.volume().namespace().isEmpty() ? null : event.volume().claimKey();
        return enter(event.operationId(), claim, event.volume().pvName());
    }

    /** The context of an operation; a null value is left out. */
    public static OperationLogContext enter(String operationId, String claimKey, String pvName) {
        putUnlessNull(OPERATION_ID, operationId);
        putUnlessNull(PVC, claimKey);
        putUnlessNull(PV, pvName);
        return new OperationLogContext();
    }

    /** Names the operation once it is known, within the context already entered. */
    public static void operation(String operationId) {
        putUnlessNull(OPERATION_ID, operationId);
    }

    @Override
    public void close() {
        MDC.remove(OPERATION_ID);
        MDC.remove(PVC);
        MDC.remove(PV);
    }

    private static void putUnlessNull(String key, String value) {
        if (value != null) {
            MDC.put(key, value);
        }
    }
}
