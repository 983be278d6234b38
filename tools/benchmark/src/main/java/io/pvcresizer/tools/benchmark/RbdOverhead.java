package io.pvcresizer.tools.benchmark;

import io.fabric8.kubernetes.api.model.Pod;
import io.pvcresizer.common.command.Command;
import io.pvcresizer.common.command.ProcessCommandRunner;
import io.pvcresizer.common.testing.LoopVolume;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Measures what the pipeline adds to a real backend: M RBD-backed xfs volumes (an RBD image shown as a file by
 * rbd-fuse, a loop device, xfs, mounted for a pod) resized one after the other through the pipeline, edit to
 * {@code status.capacity}, against M more resized by running the same commands directly — {@code rbd resize},
 * {@code losetup -c} (the loop device's stand-in for the kernel noticing the new size) and {@code xfs_growfs}.
 */
public final class RbdOverhead {

    private static final ProcessCommandRunner COMMANDS = new ProcessCommandRunner();
    private static final String FROM = "320Mi";
    private static final String TO = "640Mi";

    /**
     * Both series, in milliseconds per volume.
     *
     * @param pipeline edit → capacity through the services
     * @param direct   the bare commands
     */
    public record Result(Percentiles pipeline, Percentiles direct) {
        /** Mean pipeline time over mean direct time. */
        public double ratio() {
            return pipeline.mean() / direct.mean();
        }
    }

    private RbdOverhead() {
    }

    /** Runs both series with {@code count} volumes each, the pipeline's pods on {@code node}. */
    public static Result measure(BenchCeph ceph, BenchVolumes volumes, ClaimCompletions completions, Path kubeletRoot,
                                 Path workDir, String node, int count) throws Exception {
        List<String> images = new ArrayList<>();
        for (int i = 0; i < 2 * count; i++) {
            String image = "bench-rbd-" + i;
            ceph.rbd("create", "rbd/" + image, "--size", "320M");
            images.add(image);
        }
        Path files = ceph.rbdFuse(images);
        List<LoopVolume> loops = new ArrayList<>();
        try {
            List<String> claims = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String image = images.get(i);
                String claim = "rbd-" + i;
                String pv = "pv-rbd-" + i;
                LoopVolume loop = LoopVolume.attach(files.resolve(image), "xfs");
                loops.add(loop);
                volumes.objects().createBoundClaim(claim, pv, BenchServices.RBD_DRIVER, "0001-" + image,
                        Map.of("clusterID", BenchCeph.CLUSTER_ID, "pool", "rbd", "imageName", image), FROM, "xfs");
                Pod pod = volumes.createPod(claim, node);
                loop.mountAt(LoopVolume.podMountPath(kubeletRoot, pod.getMetadata().getUid(), pv));
                claims.add(claim);
            }
            List<Double> pipeline = new ArrayList<>();
            for (String claim : claims) {
                completions.expect(claim, TO);
                Instant sent = volumes.request(claim, TO);
                if (completions.await(List.of(claim), Duration.ofMinutes(2)) != 1) {
                    throw new IllegalStateException("the RBD-backed claim " + claim + " was not resized within 2 min");
                }
                pipeline.add(Duration.between(sent, completions.completedAt(claim)).toNanos() / 1e6);
            }
            List<Double> direct = new ArrayList<>();
            for (int i = count; i < 2 * count; i++) {
                LoopVolume loop = LoopVolume.attach(files.resolve(images.get(i)), "xfs");
                loops.add(loop);
                loop.mountAt(workDir.resolve("direct-" + i));
                long start = System.nanoTime();
                ceph.rbd("resize", "--size", "640M", "--no-progress", "rbd/" + images.get(i));
                run("losetup", "-c", loop.device());
                run("xfs_growfs", "-d", loop.mountPoint().toString());
                direct.add((System.nanoTime() - start) / 1e6);
            }
            return new Result(Percentiles.of(pipeline), Percentiles.of(direct));
        } finally {
            for (LoopVolume loop : loops) {
                try {
                    loop.close();
                } catch (RuntimeException e) {
                    // the cluster's stop detaches what is left
                }
            }
        }
    }

    private static void run(String... argv) {
        COMMANDS.run(Command.of(Duration.ofMinutes(1), argv)).orThrow();
    }
}
