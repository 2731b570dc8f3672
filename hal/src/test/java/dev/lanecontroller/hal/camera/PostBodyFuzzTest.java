package dev.lanecontroller.hal.camera;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The camera's XML and multipart bodies, mutated: every body is read and mapped to a plate, or refused
 * as unreadable or unmappable; nothing else escapes (the HTTP server would answer 500 and count nothing).
 */
class PostBodyFuzzTest {
    private static final int ITERATIONS = 20_000;
    private static final PlateMapping ANPR = new PlateMapping("/ANPR/licensePlate", "/ANPR/country", "/ANPR/confidenceLevel", 100,
            null, java.util.Map.of(), java.util.Map.of(), false);
    private static final String XML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<EventNotificationAlert version=\"2.0\">"
            + "<eventType>ANPR</eventType><ANPR><country>ON</country><licensePlate>ABC123</licensePlate>"
            + "<confidenceLevel>87</confidenceLevel><pictureInfoList><pictureInfo><fileName>a.jpg</fileName></pictureInfo>"
            + "</pictureInfoList></ANPR></EventNotificationAlert>";
    private static final String MULTIPART = "--b0\r\nContent-Disposition: form-data; name=\"anpr.xml\"\r\nContent-Type: application/xml\r\n\r\n"
            + XML + "\r\n--b0\r\nContent-Type: image/jpeg\r\n\r\n\u00ff\u00d8\u00ff\u00e0JFIF\r\n--b0--\r\n";
    /** What mutations insert: the characters that make XML and multipart structure. */
    private static final String STRUCTURE = "<>/=\"'&;!?[]-\r\n: ANPRlicensePlate--b0Content-Type";

    @Test
    void mutatedXmlAndMultipartBodiesAreReadOrRefusedNeverAnythingElse() {
        ObjectMapper json = new ObjectMapper();
        SplittableRandom random = new SplittableRandom(20261130);
        int plates = 0;
        for (int i = 0; i < 2 * ITERATIONS; i++) {
            boolean xml = i % 2 == 0;
            StringBuilder body = new StringBuilder(xml ? XML : MULTIPART);
            for (int edits = 1 + random.nextInt(4); edits > 0; edits--) {
                int at = random.nextInt(body.length());
                switch (random.nextInt(3)) {
                    case 0 -> body.setCharAt(at, STRUCTURE.charAt(random.nextInt(STRUCTURE.length())));
                    case 1 -> body.deleteCharAt(at);
                    default -> body.insert(at, STRUCTURE.charAt(random.nextInt(STRUCTURE.length())));
                }
            }
            byte[] bytes = body.toString().getBytes(StandardCharsets.ISO_8859_1);
            try {
                JsonNode document = PostBody.document(bytes, xml ? "application/xml" : "multipart/form-data; boundary=b0", json);
                ANPR.read(document);
                plates++;
            } catch (PostBody.Unreadable | IllegalArgumentException expected) {
                // Refused, as it should be: 400 or 422 with the reason.
            }
        }
        // Many mutations leave a readable alarm: the readers did real work, not just early refusals.
        assertTrue(plates > ITERATIONS / 10, "plates read " + plates);
    }
}
