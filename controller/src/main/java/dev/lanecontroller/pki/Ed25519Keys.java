package dev.lanecontroller.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Ed25519 keys in PEM files (the JDK's own Ed25519; SubjectPublicKeyInfo and PKCS#8, as openssl writes them). */
public final class Ed25519Keys {
    static final int PEM_BYTES_MAX = 16 * 1024;

    private Ed25519Keys() {}

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Java 17 has Ed25519 built in", e);
        }
    }

    public static PublicKey readPublic(Path file) throws IOException {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Pem.read(file, "PUBLIC KEY")));
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " is not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    public static PrivateKey readPrivate(Path file) throws IOException {
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(Pem.read(file, "PRIVATE KEY")));
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " is not an Ed25519 private key: " + e.getMessage(), e);
        }
    }

    /** Reads every key of a config's key map; the first unreadable one fails the lot, naming its id and file. */
    public static Map<String, PublicKey> readAll(Map<String, Path> files) throws IOException {
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        for (Map.Entry<String, Path> entry : files.entrySet()) {
            try {
                keys.put(entry.getKey(), readPublic(entry.getValue()));
            } catch (IOException e) {
                throw new IOException("key " + entry.getKey() + ": " + e.getMessage(), e);
            }
        }
        return keys;
    }

    public static void writePublic(PublicKey key, Path file) throws IOException {
        Files.writeString(file, Pem.encode("PUBLIC KEY", key.getEncoded()), StandardCharsets.US_ASCII);
    }

    public static void writePrivate(PrivateKey key, Path file) throws IOException {
        Files.writeString(file, Pem.encode("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
    }

    /** PEM armour: base64 between BEGIN and END lines. */
    public static final class Pem {
        private Pem() {}

        public static byte[] read(Path file, String label) throws IOException {
            if (Files.size(file) > PEM_BYTES_MAX) {
                throw new IOException(file + " is larger than " + PEM_BYTES_MAX + " bytes: not a key file");
            }
            return decode(Files.readString(file, StandardCharsets.US_ASCII), label, file.toString());
        }

        public static byte[] decode(String text, String label, String source) throws IOException {
            String begin = "-----BEGIN " + label + "-----";
            String end = "-----END " + label + "-----";
            int from = text.indexOf(begin);
            int to = from < 0 ? -1 : text.indexOf(end, from);
            if (from < 0 || to < 0) {
                throw new IOException(source + " has no '" + begin + "' block");
            }
            try {
                return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
            } catch (IllegalArgumentException e) {
                throw new IOException(source + ": the " + label + " block is not valid base64", e);
            }
        }

        public static String encode(String label, byte[] der) {
            return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                    + "\n-----END " + label + "-----\n";
        }
    }
}
