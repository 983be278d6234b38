package io.pvcresizer.fs.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Real tool output captured on a test machine, kept under {@code src/test/resources/tool-output/}. */
public final class ToolOutput {

    private ToolOutput() {
    }

    /** The captured file's text, e.g. {@code xfs_growfs-grown.stdout}. */
    public static String read(String name) {
        return resource("/tool-output/" + name);
    }

    /** Any test resource's text. */
    public static String resource(String path) {
        try (InputStream in = ToolOutput.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
