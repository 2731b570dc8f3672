package dev.lanecontroller.monitor;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The technician's password for the lane monitor, kept as a PBKDF2-HMAC-SHA256 hash (the JDK's
 * own): {@code pbkdf2-sha256$ITERATIONS$SALT$HASH}, salt and hash in base64. The config holds only
 * this; {@code lane-controller technician-credential} makes it from a password on stdin.
 */
public final class TechnicianCredential {
    /**
     * OWASP's 2021 figure for PBKDF2-HMAC-SHA256: about 0.15 s on this project's 2-core test machine,
     * several times that on a Pi, paid once per login (an accepted login is remembered) and per
     * failed attempt (which are rate-limited).
     */
    static final int ITERATIONS = 310_000;
    private static final int ITERATIONS_MIN = 100_000;
    private static final int ITERATIONS_MAX = 10_000_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    static final int PASSWORD_CHARS_MIN = 12;
    private static final int PASSWORD_CHARS_MAX = 256;
    private static final String PREFIX = "pbkdf2-sha256";

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private TechnicianCredential(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** Reads the config's form; the message names what is wrong with it. */
    public static TechnicianCredential parse(String encoded) {
        String[] parts = encoded == null ? new String[0] : encoded.trim().split("\\$");
        if (parts.length != 4 || !parts[0].equals(PREFIX)) {
            throw new IllegalArgumentException("a technician credential is " + PREFIX + "$ITERATIONS$SALT$HASH "
                    + "(make one with `lane-controller technician-credential`)");
        }
        int iterations;
        byte[] salt;
        byte[] hash;
        try {
            iterations = Integer.parseInt(parts[1]);
            salt = Base64.getDecoder().decode(parts[2]);
            hash = Base64.getDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the technician credential's iterations, salt or hash cannot be read: " + e.getMessage());
        }
        if (iterations < ITERATIONS_MIN || iterations > ITERATIONS_MAX) {
            throw new IllegalArgumentException("the technician credential's iterations must be " + ITERATIONS_MIN + "–" + ITERATIONS_MAX
                    + ", got " + iterations);
        }
        if (salt.length < 8 || hash.length != HASH_BITS / 8) {
            throw new IllegalArgumentException("the technician credential needs a salt of at least 8 bytes and a 32-byte hash");
        }
        return new TechnicianCredential(iterations, salt, hash);
    }

    /** A new credential for {@code password}, with a fresh salt. */
    public static String encode(char[] password) {
        if (password.length < PASSWORD_CHARS_MIN || password.length > PASSWORD_CHARS_MAX) {
            throw new IllegalArgumentException("a technician password has " + PASSWORD_CHARS_MIN + "–" + PASSWORD_CHARS_MAX
                    + " characters, got " + password.length);
        }
        byte[] salt = new byte[SALT_BYTES];
        new SecureRandom().nextBytes(salt);
        return encode(password, salt, ITERATIONS);
    }

    static String encode(char[] password, byte[] salt, int iterations) {
        Base64.Encoder base64 = Base64.getEncoder();
        return PREFIX + "$" + iterations + "$" + base64.encodeToString(salt) + "$" + base64.encodeToString(derive(password, salt, iterations));
    }

    /** Whether {@code password} is the technician's, in time that does not depend on where it differs. */
    public boolean matches(String password) {
        if (password == null || password.length() > PASSWORD_CHARS_MAX) {
            return false;
        }
        return MessageDigest.isEqual(hash, derive(password.toCharArray(), salt, iterations));
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every Java 17", e);
        } finally {
            spec.clearPassword();
        }
    }

    @Override
    public String toString() {
        return PREFIX + " (" + iterations + " iterations)"; // never the hash, in a log or an error
    }

}
