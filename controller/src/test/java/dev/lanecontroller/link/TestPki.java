package dev.lanecontroller.link;

import dev.lanecontroller.pki.Ed25519Keys;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PKI for the TLS tests, made with the JDK's keytool (no openssl needed): a CA, a
 * broker certificate for 127.0.0.1, and client certificates, written as PEM files the way a
 * technician gets them.
 */
final class TestPki {
    private static final String PASSWORD = "changeit";
    final Path dir;

    TestPki(Path dir) throws Exception {
        this.dir = dir;
        Files.createDirectories(dir);
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=lane-test-ca",
                "-ext", "bc:c", "-validity", "2", "-keystore", store("ca"));
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", store("ca"), "-file", dir.resolve("ca.pem").toString());
    }

    /**
     * The PKI of a lane test: a broker certificate for 127.0.0.1 ({@code broker}), lane-07's client
     * certificate ({@code lane}, CN test-site-lane-07) and central's ({@code central}).
     */
    static TestPki forLane(Path dir) throws Exception {
        TestPki pki = new TestPki(dir);
        pki.issue("broker", "127.0.0.1", "ip:127.0.0.1");
        pki.issue("lane", "test-site-lane-07", null);
        pki.issue("central", "central", null);
        return pki;
    }

    /** Mosquitto's listener options for mutual TLS with this CA. */
    String mosquittoTls() {
        return String.join("\n", "cafile " + file("ca.pem"), "certfile " + file("broker.pem"), "keyfile " + file("broker.key"),
                "require_certificate true");
    }

    /** Issues a certificate signed by this CA: NAME.pem (certificate) and NAME.key (PKCS#8 PEM). */
    void issue(String name, String commonName, String san) throws Exception {
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + commonName, "-validity", "2",
                "-keystore", store(name));
        keytool("-certreq", "-alias", name, "-keystore", store(name), "-file", dir.resolve(name + ".csr").toString());
        List<String> gencert = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore", store("ca"), "-validity", "2",
                "-infile", dir.resolve(name + ".csr").toString(), "-outfile", dir.resolve(name + ".pem").toString()));
        if (san != null) {
            gencert.addAll(List.of("-ext", "san=" + san));
        }
        keytool(gencert.toArray(String[]::new));
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(store(name)))) {
            keyStore.load(in, PASSWORD.toCharArray());
        }
        Key key = keyStore.getKey(name, PASSWORD.toCharArray());
        Files.writeString(dir.resolve(name + ".key"), Ed25519Keys.Pem.encode("PRIVATE KEY", key.getEncoded()));
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    private String store(String name) {
        return dir.resolve(name + ".p12").toString();
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD, "-noprompt"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
