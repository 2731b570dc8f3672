package dev.lanecontroller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What {@code run}'s exit code tells systemd: 2, nothing a restart changes (a bad config), so the
 * unit stops there and says why (RestartPreventExitStatus=2); 3, hardware that may be there on the
 * next try (a GPIO chip udev has not made yet), so it is restarted.
 */
class RunExitCodeTest {
    @TempDir
    Path dir;

    private Path exampleConfig() throws Exception {
        Path examples = Path.of("..", "config", "examples");
        Files.copy(examples.resolve("camera.secret"), dir.resolve("camera.secret"));
        Path config = dir.resolve("lane.yaml");
        Files.writeString(config, Files.readString(examples.resolve("lane-llrp.yaml"))
                .replace("/var/lib/lane-controller/lane.db", dir.resolve("lane.db").toString()));
        return config;
    }

    private static int run(Path config, RunCommand run) {
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == RunCommand.class ? type.cast(run) : CommandLine.defaultFactory().create(type);
            }
        };
        return Main.execute(factory, "run", "--config", config.toString());
    }

    @Test
    void gpioThatDoesNotOpenExitsSoTheUnitTriesAgain() throws Exception {
        Path config = exampleConfig();
        assertEquals(3, run(config, new RunCommand(hardware -> {
            throw new IllegalStateException("/dev/gpiochip0: no such device (not made by udev yet)");
        })), "before: exit 2, which the unit would not restart");
    }

    @Test
    void aBadConfigExitsTwoSoTheUnitStopsAndSaysWhy() throws Exception {
        Path config = exampleConfig();
        Files.writeString(config, Files.readString(config).replace("lane:", "lane:\n  colour: red"));
        assertEquals(2, run(config, new RunCommand(hardware -> {
            throw new AssertionError("a bad config opens no GPIO");
        })));
    }
}
