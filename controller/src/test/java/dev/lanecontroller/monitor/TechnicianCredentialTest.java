package dev.lanecontroller.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The technician's password is kept only as PBKDF2; a credential that is not one is refused with what is wrong. */
class TechnicianCredentialTest {
    @Test
    void aPasswordMatchesItsOwnCredentialOnly() {
        String encoded = TechnicianCredential.encode("cabinet-key-2026".toCharArray());
        assertTrue(encoded.startsWith("pbkdf2-sha256$" + TechnicianCredential.ITERATIONS + "$"), encoded);
        assertFalse(encoded.contains("cabinet-key-2026"));
        TechnicianCredential credential = TechnicianCredential.parse(encoded);
        assertTrue(credential.matches("cabinet-key-2026"));
        assertFalse(credential.matches("cabinet-key-2027"));
        assertFalse(credential.matches(""));
        assertFalse(credential.matches(null));
        assertFalse(credential.toString().contains(encoded.substring(encoded.lastIndexOf('$') + 1)), "never the hash in a log");
        assertTrue(!encoded.equals(TechnicianCredential.encode("cabinet-key-2026".toCharArray())), "a fresh salt each time");
    }

    @Test
    void aKnownVectorStillVerifies() {
        // RFC 6070-style check of the recipe: PBKDF2-HMAC-SHA256, the salt and the hash in base64.
        byte[] salt = "lane-monitor-salt".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String encoded = TechnicianCredential.encode("correct horse battery".toCharArray(), salt, 100_000);
        assertEquals("pbkdf2-sha256$100000$" + Base64.getEncoder().encodeToString(salt) + "$", encoded.substring(0, encoded.lastIndexOf('$') + 1));
        assertTrue(TechnicianCredential.parse(encoded).matches("correct horse battery"));
    }

    @Test
    void whatIsNotACredentialIsRefusedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TechnicianCredential.parse("hunter2")).getMessage()
                .contains("lane-controller technician-credential"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TechnicianCredential.parse("pbkdf2-sha256$1000$AAAAAAAAAAA=$"
                + Base64.getEncoder().encodeToString(new byte[32]))).getMessage().contains("iterations"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TechnicianCredential.parse("pbkdf2-sha256$310000$!!$??"))
                .getMessage().contains("cannot be read"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TechnicianCredential.encode("short".toCharArray()))
                .getMessage().contains("12–256 characters"));
    }
}
