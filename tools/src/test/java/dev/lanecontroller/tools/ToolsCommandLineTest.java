package dev.lanecontroller.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code lane-tools} is the device's command line plus central's tools and the benchmarks; the
 * device's own jar carries neither of those.
 */
class ToolsCommandLineTest {
    @Test
    void theToolsAddCentralAndBenchmarkToTheDevicesCommands() {
        Set<String> device = new TreeSet<>(Main.commandLine(CommandLine.defaultFactory()).getSubcommands().keySet());
        Set<String> tools = new TreeSet<>(ToolsMain.commandLine().getSubcommands().keySet());
        assertTrue(!device.contains("central") && !device.contains("benchmark"), "the device's commands: " + device);
        Set<String> expected = new TreeSet<>(device);
        expected.add("central");
        expected.add("benchmark");
        assertEquals(expected, tools);
    }

    @Test
    void everyToolAnswersHelp() {
        List<List<String>> paths = new ArrayList<>();
        collect(ToolsMain.commandLine(), new ArrayList<>(), paths);
        assertTrue(paths.contains(List.of("central", "publish-list")), "commands found: " + paths);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            CommandLine commandLine = ToolsMain.commandLine();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            commandLine.setOut(new java.io.PrintWriter(new PrintStream(out, true, StandardCharsets.UTF_8), true));
            assertEquals(0, commandLine.execute(args.toArray(String[]::new)), String.join(" ", args));
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("lane-tools"), String.join(" ", args) + " printed: " + out);
        }
    }

    private static void collect(CommandLine command, List<String> path, List<List<String>> paths) {
        paths.add(List.copyOf(path));
        command.getSubcommands().forEach((name, sub) -> {
            List<String> deeper = new ArrayList<>(path);
            deeper.add(name);
            collect(sub, deeper, paths);
        });
    }
}
