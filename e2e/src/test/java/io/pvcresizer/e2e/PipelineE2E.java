package io.pvcresizer.e2e;

/** The end-to-end scenarios on an in-process KRaft broker. */
class PipelineE2E extends PipelineScenarios {

    @Override
    protected String bootstrapServers() {
        return null;
    }
}
