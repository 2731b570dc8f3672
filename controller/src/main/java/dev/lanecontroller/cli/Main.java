package dev.lanecontroller.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lane-controller <command>}: exit 0 on success, 1 on a failed run or check, 2 on bad input. */
@Command(name = "lane-controller", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = Main.Version.class,
        description = "Trusted-traveller lane controller: decides, drives the lane, journals every event.",
        subcommands = {RunCommand.class, SimulateCommand.class, ListCommand.class, CheckConfigCommand.class,
                JournalCommand.class, SelftestCommand.class, TechnicianCredentialCommand.class})
public final class Main {
    public static void main(String[] args) {
        dev.lanecontroller.ops.LogFormat.install();
        dev.lanecontroller.hal.camera.PlateWebhook.limitRequestTime(); // before any HTTP server starts
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        return execute(CommandLine.defaultFactory(), args);
    }

    /** The same with the commands made by {@code factory}: tests give {@code run} the GPIO pins of Pi4J's mock platform. */
    static int execute(CommandLine.IFactory factory, String... args) {
        return commandLine(factory).execute(args);
    }

    /**
     * The device's command line, for a tool that runs it with commands of its own added (central's
     * tools and the benchmarks are not in the device's jar): one command line, whichever jar.
     */
    public static CommandLine commandLine(CommandLine.IFactory factory) {
        CommandLine commandLine = new CommandLine(new Main(), factory);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + e.getMessage());
            return 2;
        });
        return commandLine;
    }

    /** The jar's version; "development" when run from classes. */
    static String softwareVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"lane-controller " + softwareVersion()};
        }
    }
}
