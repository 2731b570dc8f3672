package dev.lanecontroller.cli;

import dev.lanecontroller.monitor.TechnicianCredential;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Makes the lane monitor's technician credential (docs/monitor.md) from a password on stdin: what provision.sh runs. */
@Command(name = "technician-credential", description = "Reads the technician's password (one line, 12-256 characters) on stdin and "
        + "prints the credential for health.technicianCredential (PBKDF2-HMAC-SHA256; the password itself is kept nowhere).")
final class TechnicianCredentialCommand implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String password = in.readLine();
        if (password == null) {
            System.err.println("no password on stdin (one line, 12-256 characters)");
            return 2;
        }
        try {
            System.out.println(TechnicianCredential.encode(password.toCharArray()));
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
    }
}
