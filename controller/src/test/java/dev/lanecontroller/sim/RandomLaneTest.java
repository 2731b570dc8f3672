package dev.lanecontroller.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code simulate --random}: the property test's random lane, as JSON lines anyone can check with their own tools. */
class RandomLaneTest {
    private static byte[] run(long seed, int vehicles) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RandomLane.Result result = new RandomLane(seed, new PrintStream(bytes, true, StandardCharsets.UTF_8)).run(vehicles);
        assertTrue(result.clean(), result.toString());
        return bytes.toByteArray();
    }

    @Test
    void theSameSeedPrintsTheSameBytesWithEveryKindOfLine() {
        byte[] first = run(7, 300);
        assertArrayEquals(first, run(7, 300));
        List<String> lines = new String(first, StandardCharsets.UTF_8).lines().toList();
        for (String kind : List.of("event", "signal", "gate", "loop", "limit")) {
            assertTrue(lines.stream().anyMatch(line -> line.contains("\"kind\":\"" + kind + "\"")), "no " + kind + " line");
        }
        assertTrue(lines.stream().anyMatch(line -> line.contains("\"type\":\"FAULT\"")), "the run injected faults");
    }

    @Test
    void theCommandRunsItAndSaysHowItEnded() {
        assertEquals(0, Main.execute("simulate", "--random", "--seed", "3", "--vehicles", "200", "--quiet"));
        assertEquals(2, Main.execute("simulate", "--random", "--vehicles", "0", "--quiet"), "a bad count is bad input");
        assertEquals(2, Main.execute("simulate", "--random", "--scenario", "x.json"), "one source at a time");
    }
}
