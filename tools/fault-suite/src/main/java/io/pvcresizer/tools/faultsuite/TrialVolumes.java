package io.pvcresizer.tools.faultsuite;

import io.pvcresizer.testkit.ClusterObjects;
import io.pvcresizer.common.testing.LoopVolume;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The volumes of one fault run: for each, a sparse image with xfs (it grows online) on a loop device, mounted at the
 * kubelet path of a running pod on the stage's node, and a bound PVC and PV; closing unmounts and detaches them all.
 */
public final class TrialVolumes implements AutoCloseable {

    /** One volume of the run: its claim name, image file, mount, and the filesystem size before the resize. */
    public record Trial(String claim, String pv, Path image, LoopVolume volume, long dfBytesBefore) { }

    private final List<Trial> trials = new ArrayList<>();
    /** Every loop volume made, also one whose claim or mount failed, so that closing leaves nothing behind. */
    private final List<LoopVolume> created = new ArrayList<>();

    private TrialVolumes() {
    }

    /** Creates {@code count} volumes of {@code sizeMi} MiB named after {@code prefix}. */
    public static TrialVolumes create(FaultStage stage, String prefix, int count, int sizeMi) {
        ClusterObjects objects = new ClusterObjects(stage.cluster().client());
        TrialVolumes volumes = new TrialVolumes();
        try {
            for (int i = 0; i < count; i++) {
                String claim = prefix + "-c" + i;
                String pv = prefix + "-pv" + i;
                String handle = prefix + "-img" + i;
                LoopVolume volume = LoopVolume.create(stage.imageDir(), handle, sizeMi * 1024L * 1024L, "xfs");
                volumes.created.add(volume);
                objects.createBoundClaim(claim, pv, handle, sizeMi + "Mi", "xfs");
                Pod pod = objects.createPod(prefix + "-pod" + i, claim, FaultStage.NODE, "Running");
                volume.mountAt(LoopVolume.podMountPath(stage.cluster().kubeletRoot(), pod.getMetadata().getUid(), pv));
                volumes.trials.add(new Trial(claim, pv, stage.imageDir().resolve(handle), volume, volume.dfSizeBytes()));
            }
            return volumes;
        } catch (RuntimeException e) {
            volumes.close();
            throw e;
        }
    }

    public List<Trial> trials() {
        return List.copyOf(trials);
    }

    /** Current length of a trial's image file: what the backend has grown it to. */
    public static long imageBytes(Trial trial) {
        try {
            return Files.size(trial.image());
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        for (LoopVolume volume : created) {
            try {
                volume.close();
            } catch (RuntimeException e) {
                System.err.println("could not clean up " + volume.device() + ": " + e.getMessage());
            }
        }
    }
}
