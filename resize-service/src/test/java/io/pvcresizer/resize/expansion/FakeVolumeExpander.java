package io.pvcresizer.resize.expansion;

import io.pvcresizer.common.events.VolumeExpansionRequested;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A backend for tests that answers with a given function and remembers the requests it was asked. */
public class FakeVolumeExpander implements VolumeExpander {

    private final String backend;
    private final Function<VolumeExpansionRequested, ExpansionResult> answer;
    private final List<VolumeExpansionRequested> requests = new CopyOnWriteArrayList<>();

    public FakeVolumeExpander(String backend, Function<VolumeExpansionRequested, ExpansionResult> answer) {
        this.backend = backend;
        this.answer = answer;
    }

    /** A backend that grows every volume to exactly its target, with a node step. */
    public static FakeVolumeExpander growing(String backend) {
        return new FakeVolumeExpander(backend, request -> ExpansionResult.grown(request.targetBytes(), true));
    }

    @Override
    public String backend() {
        return backend;
    }

    @Override
    public ExpansionResult expand(VolumeExpansionRequested request) {
        requests.add(request);
        return answer.apply(request);
    }

    /** The requests this backend was asked, in order. */
    public List<VolumeExpansionRequested> requests() {
        return List.copyOf(requests);
    }
}
