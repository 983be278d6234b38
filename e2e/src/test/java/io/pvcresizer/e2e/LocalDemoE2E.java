package io.pvcresizer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvcresizer.common.testing.LoopVolume;
import io.pvcresizer.demo.LocalDemo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The README's first command, end to end: the demo with the services as separate processes, its output checked. */
class LocalDemoE2E {

    @Test
    void shouldGrowTheDemoVolumeAndPrintEveryStage() {
        Assumptions.assumeTrue(LoopVolume.supported(), "needs root, loop devices and mount");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);

        int exit = LocalDemo.run(new String[0], out);

        String output = captured.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(output).isZero();
        assertThat(output)
                .contains("as separate processes")
                .containsPattern("\\[kafka\\] pvc-resize.volume-requests +key=pv-demo +VolumeExpansionRequested .*320Mi -> 640Mi")
                .containsPattern("\\[kafka\\] pvc-resize.volume-results +key=pv-demo +VolumeExpanded .*640Mi, node step needed")
                .containsPattern("\\[kafka\\] pvc-resize.node-requests +key=node-a +FilesystemExpansionRequested")
                .containsPattern("\\[kafka\\] pvc-resize.node-results +key=node-a +FilesystemExpanded +xfs grown online")
                .contains("PVC capacity=320Mi resizeStatus=ControllerResizeInProgress conditions=[Resizing]")
                .contains("PVC capacity=640Mi resizeStatus=null conditions=[]")
                .contains("$ kubectl patch pvc demo-data")
                .contains("persistentvolumeclaim/demo-data patched")
                .containsPattern("demo-data +Bound +pv-demo +640Mi +RWO +local-file")
                .contains("$ kubectl describe pvc demo-data")
                .containsPattern("Capacity: +640Mi")
                .containsPattern("Normal +Resizing +.*is resizing volume pv-demo to 640Mi")
                .containsPattern("Normal +FileSystemResizeRequired ")
                .containsPattern("Normal +FileSystemResizeSuccessful ")
                .contains("hello.txt still says \"data written before the resize\"")
                .contains("everything the demo created was removed");
        assertThat(output).containsPattern("df after: +5\\d\\d MiB");
        // No resize condition left on the claim (kubectl describe lists Conditions only when there are any besides
        // the controller manager's own Unused), and nothing but the demo's narration and kubectl's output.
        String describe = output.substring(output.indexOf("$ kubectl describe pvc demo-data"));
        assertThat(describe.substring(describe.indexOf("Conditions:"), describe.indexOf("Events:")).lines().skip(3))
                .as("conditions kubectl describe shows after the resize").allSatisfy(row -> assertThat(row).startsWith("  Unused "));
        assertThat(output.lines().filter(line -> line.matches("^\\d\\d:\\d\\d:\\d\\d.*"))).as("log lines").isEmpty();
    }
}
