package dev.lanecontroller.cli;

import dev.lanecontroller.config.CentralSettings;
import dev.lanecontroller.config.HardwareSettings;
import dev.lanecontroller.config.LaneConfig;
import dev.lanecontroller.pki.Ed25519Keys;
import dev.lanecontroller.pki.Tls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "check-config", description = "Checks a config file and the files it names (TLS, keys); reports every problem, each with its key (exit 2).")
final class CheckConfigCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "the lane config (YAML)")
    Path file;

    @Override
    public Integer call() {
        LaneConfig config = ConfigFile.loadOrReport(file);
        if (config == null) {
            return ConfigFile.BAD_CONFIG_EXIT;
        }
        List<String> problems = new ArrayList<>(config.hasCentral() ? centralFileProblems(config.central()) : List.of());
        HardwareSettings.WebhookTls webhookTls = config.hardware().cameraTls();
        if (webhookTls != null && readable("camera.webhook.tls.certFile", webhookTls.certFile(), problems)
                & readable("camera.webhook.tls.keyFile", webhookTls.keyFile(), problems)) {
            try {
                Tls.serverContext(webhookTls.certFile(), webhookTls.keyFile());
            } catch (IOException | RuntimeException e) {
                problems.add("camera.webhook.tls: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            System.err.println(file + ": " + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + ":");
            problems.forEach(problem -> System.err.println("  " + problem));
            return 2;
        }
        System.out.println(file + ": ok (lane " + config.settings().laneId() + ", programs " + config.settings().acceptedPrograms()
                + ", storage " + config.storagePath() + ")");
        if (config.hasCentral() && config.central().listKeys().isEmpty()) {
            System.out.println("  note: central.keys.lists is empty: every list from central will be refused");
        }
        if (config.hasCentral() && config.central().commandKeys().isEmpty()) {
            System.out.println("  note: central.keys.commands is empty: every command from central will be refused");
        }
        HardwareSettings.Reader reader = config.hardware().reader();
        if (reader != null && reader.kind() == HardwareSettings.ReaderKind.SERIAL && !reader.serial().isTcp()
                && !Files.exists(Path.of(reader.serial().device()))) {
            // Not a bad config (the daemon waits for a USB reader to appear and opens it then), but a
            // technician checking the lane wants to know the reader is not there now.
            System.err.println("  reader.serial.device: " + reader.serial().device() + " does not exist now: plug the reader in or fix "
                    + "the path (the daemon opens it when it appears)");
            return 1;
        }
        return 0;
    }

    /** The daemon reads these at start and refuses to run if one is wrong: say so now, at the lane. */
    private static List<String> centralFileProblems(CentralSettings central) {
        List<String> problems = new ArrayList<>();
        if (central.usesTls() && readable("central.tls.caFile", central.caFile(), problems)
                & readable("central.tls.certFile", central.certFile(), problems)
                & readable("central.tls.keyFile", central.keyFile(), problems)) {
            try {
                Tls.socketFactory(central.caFile(), central.certFile(), central.keyFile());
            } catch (IOException | RuntimeException e) {
                problems.add("central.tls: " + e.getMessage());
            }
        }
        central.listKeys().forEach((id, path) -> checkKey("central.keys.lists." + id, path, problems));
        central.commandKeys().forEach((id, path) -> checkKey("central.keys.commands." + id, path, problems));
        return problems;
    }

    private static boolean readable(String key, Path path, List<String> problems) {
        if (!Files.isReadable(path)) {
            problems.add(key + ": " + path + (Files.exists(path) ? " cannot be read (permissions)" : " does not exist"));
            return false;
        }
        return true;
    }

    private static void checkKey(String key, Path path, List<String> problems) {
        if (!readable(key, path, problems)) {
            return;
        }
        try {
            Ed25519Keys.readPublic(path);
        } catch (IOException | RuntimeException e) {
            problems.add(key + ": " + e.getMessage());
        }
    }
}
