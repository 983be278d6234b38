package io.pvcresizer.resize.request;

import io.pvcresizer.common.events.ResizeEvent;
import org.slf4j.MDC;

/**
 * Puts the operation id, the claim and the PV of an event into the logging MDC for as long as it is open, so that every
 * log line of the operation carries them.
 */
final class OperationLogContext implements AutoCloseable {

    static final String OPERATION_ID = "operationId";
    static final String PVC = "pvc";
    static final String PV = "pv";

    private OperationLogContext() {
    }

    static OperationLogContext enter(ResizeEvent event) {
        MDC.put(OPERATION_ID, event.operationId());
        MDC.put(PVC, event.volume().claimKey());
        MDC.put(PV, event.volume().pvName());
        return new OperationLogContext();
    }

    @Override
    public void close() {
        MDC.remove(OPERATION_ID);
        MDC.remove(PVC);
        MDC.remove(PV);
    }
}
