package dev.lanecontroller.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The footprint benchmark starts the daemon with the unit's own JVM options, read from the unit. */
class FootprintBenchmarkTest {
    private static final Path UNIT = Path.of("..", "systemd", "lane-controller.service");

    @Test
    void takesTheUnitsJvmOptionsButNotItsClassArchive() throws Exception {
        List<String> options = FootprintBenchmark.unitJvmOptions(UNIT, null);
        assertTrue(options.contains("-Xmx256m"), options.toString());
        assertTrue(options.contains("-XX:ThreadPriorityPolicy=1"), options.toString());
        assertFalse(options.stream().anyMatch(option -> option.startsWith("-XX:SharedArchiveFile=")), options.toString());
        assertFalse(options.contains("-jar"), options.toString());
    }

    @Test
    void anotherHeapReplacesTheUnits() throws Exception {
        List<String> options = FootprintBenchmark.unitJvmOptions(UNIT, "64m");
        assertEquals(1, options.stream().filter(option -> option.startsWith("-Xmx")).count(), options.toString());
        assertTrue(options.contains("-Xmx64m"), options.toString());
    }
}
