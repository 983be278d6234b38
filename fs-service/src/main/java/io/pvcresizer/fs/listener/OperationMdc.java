package io.pvcresizer.fs.listener;

import io.pvcresizer.common.events.ResizeEvent;
import org.slf4j.MDC;

/** Puts the operation id, claim and PV of an event into the logging MDC for as long as it is open. */
final class OperationMdc implements AutoCloseable {

    static final String OPERATION_ID = "operationId";
    static final String PVC = "pvc";
    static final String PV = "pv";

    private OperationMdc() {
    }

    static OperationMdc of(ResizeEvent event) {
        MDC.put(OPERATION_ID, event.operationId());
        MDC.put(PVC, event.volume().claimKey());
        MDC.put(PV, event.volume().pvName());
        return new OperationMdc();
    }

    @Override
    public void close() {
        MDC.remove(OPERATION_ID);
        MDC.remove(PVC);
        MDC.remove(PV);
    }
}
