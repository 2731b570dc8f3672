package dev.lanecontroller.tools;

import dev.lanecontroller.cli.Main;
import dev.lanecontroller.tools.central.CentralCommand;
import picocli.CommandLine;

/**
 * {@code lane-tools <command>}: the device's command line ({@code lane-controller}'s commands, the
 * same options and exit codes) with what a lane does not carry: central's side of the contract
 * ({@code central keygen|publish-list|send-command|tail}) and the benchmarks.
 */
public final class ToolsMain {
    private ToolsMain() {}

    public static void main(String[] args) {
        dev.lanecontroller.ops.LogFormat.install();
        dev.lanecontroller.hal.camera.PlateWebhook.limitRequestTime(); // before any HTTP server starts
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine commandLine = Main.commandLine(CommandLine.defaultFactory());
        commandLine.setCommandName("lane-tools");
        commandLine.addSubcommand(CentralCommand.class);
        commandLine.addSubcommand(BenchmarkCommand.class);
        return commandLine;
    }
}
