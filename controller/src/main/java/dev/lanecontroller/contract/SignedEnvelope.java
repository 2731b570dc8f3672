package dev.lanecontroller.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;

/**
 * A signed message from central: {@code {"keyId", "payload": base64(JSON), "signature":
 * base64(Ed25519(payload bytes))}} (schema docs/schemas/signed-envelope.schema.json). The signature
 * covers the payload's exact bytes, so no JSON canonicalisation is needed on either side.
 */
public final class SignedEnvelope {
    public static final String SCHEMA = "signed/1";
    private static final ObjectMapper JSON = Json.MAPPER;

    /** Why an envelope was not accepted; the code goes into the event and the reply. */
    public static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
        private final String code;

        public Rejected(String code, String message) {
            super(message);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private SignedEnvelope() {}

    /** Checks the envelope and its signature; returns the payload, parsed. */
    public static JsonNode open(byte[] message, Map<String, PublicKey> keys) throws Rejected {
        JsonNode envelope;
        try {
            envelope = JSON.readTree(message);
        } catch (IOException e) {
            throw new Rejected("MALFORMED", "not JSON"); // the parser's own words name its internals, not the problem
        }
        if (envelope == null || !envelope.isObject() || !SCHEMA.equals(envelope.path("schema").asText())
                || !envelope.path("keyId").isTextual() || !envelope.path("payload").isTextual() || !envelope.path("signature").isTextual()) {
            throw new Rejected("MALFORMED", "not a signed envelope: needs schema '" + SCHEMA + "', keyId, payload and signature");
        }
        String keyId = envelope.get("keyId").asText();
        PublicKey key = keys.get(keyId);
        if (key == null) {
            throw new Rejected("UNKNOWN_KEY", "signed with key '" + keyId + "', which this lane does not trust");
        }
        byte[] payload;
        byte[] signature;
        try {
            payload = Base64.getDecoder().decode(envelope.get("payload").asText());
            signature = Base64.getDecoder().decode(envelope.get("signature").asText());
        } catch (IllegalArgumentException e) {
            throw new Rejected("MALFORMED", "payload or signature is not base64");
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(payload);
            if (!verifier.verify(signature)) {
                throw new Rejected("BAD_SIGNATURE", "the signature does not match key '" + keyId + "'");
            }
        } catch (GeneralSecurityException e) {
            throw new Rejected("BAD_SIGNATURE", "the signature cannot be checked with key '" + keyId + "'");
        }
        try {
            JsonNode parsed = JSON.readTree(payload);
            if (parsed == null || !parsed.isObject()) {
                throw new Rejected("MALFORMED", "the signed payload is not a JSON object");
            }
            return parsed;
        } catch (IOException e) {
            throw new Rejected("MALFORMED", "the signed payload is not JSON");
        }
    }

    /**
     * The payload of an envelope whose signature failed or was never checked, parsed, or null when
     * there is none to read: only to name what is refused (its command id), never to act on it.
     */
    public static JsonNode unverifiedPayload(byte[] message) {
        try {
            JsonNode envelope = JSON.readTree(message);
            if (envelope == null || !envelope.path("payload").isTextual()) {
                return null;
            }
            JsonNode payload = JSON.readTree(Base64.getDecoder().decode(envelope.get("payload").asText()));
            return payload != null && payload.isObject() ? payload : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /** For central's tools and the tests: wraps and signs a payload. */
    public static byte[] seal(byte[] payload, String keyId, PrivateKey key) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(payload);
            ObjectNode envelope = JSON.createObjectNode();
            envelope.put("schema", SCHEMA);
            envelope.put("keyId", keyId);
            envelope.put("payload", Base64.getEncoder().encodeToString(payload));
            envelope.put("signature", Base64.getEncoder().encodeToString(signer.sign()));
            return JSON.writeValueAsBytes(envelope);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot sign with this key: " + e.getMessage(), e);
        }
    }
}
