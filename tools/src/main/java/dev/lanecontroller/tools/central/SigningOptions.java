package dev.lanecontroller.tools.central;

import dev.lanecontroller.pki.Ed25519Keys;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import picocli.CommandLine.Option;

/** Central's signing key for lists and commands (made by `central keygen`). */
final class SigningOptions {
    @Option(names = "--key", required = true, description = "the private signing key (PEM, PKCS#8)")
    Path key;

    @Option(names = "--key-id", required = true, description = "the key id the lanes know the public key by")
    String keyId;

    PrivateKey privateKey() throws IOException {
        return Ed25519Keys.readPrivate(key);
    }
}
