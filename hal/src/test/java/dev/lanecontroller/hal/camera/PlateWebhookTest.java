package dev.lanecontroller.hal.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanecontroller.hal.PlateEventKind;
import dev.lanecontroller.hal.PlateReport;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The camera webhook: mapped payloads, revisions, and every kind of refusal. */
class PlateWebhookTest {
    private static final String SECRET = "Bearer 0123456789abcdef0123";
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<PlateReport> reports = new CopyOnWriteArrayList<>();
    private PlateWebhook webhook;

    private PlateWebhook start(PlateMapping mapping, int bodyBytesMax) throws Exception {
        webhook = new PlateWebhook(new PlateWebhook.Settings("127.0.0.1", 0, "/plates", "Authorization", SECRET, bodyBytesMax, mapping));
        webhook.onReport(reports::add);
        webhook.start();
        return webhook;
    }

    @AfterEach
    void stop() {
        if (webhook != null) {
            webhook.close();
        }
    }

    private HttpResponse<String> post(String body, String secret) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webhook.port() + "/plates"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(java.time.Duration.ofSeconds(20));
        if (secret != null) {
            request.header("Authorization", secret);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void mappedPayloadsAndRevisionsBecomeReports() throws Exception {
        start(PlateMapping.FLAT, 4_096);
        assertEquals(200, post("{\"plate\":\"abc 123\",\"region\":\"on\",\"confidence\":93,\"event\":\"new\"}", SECRET).statusCode());
        assertEquals(200, post("{\"plate\":\"ABC123\",\"region\":\"ON\",\"confidence\":97.6,\"event\":\"UPDATE\"}", SECRET).statusCode());
        assertEquals(200, post("{\"plate\":\"ABC123\",\"event\":\"lost\",\"extra\":{\"ignored\":[1,2]}}", SECRET).statusCode());
        assertEquals(List.of(new PlateReport("ABC 123", "ON", 93, PlateEventKind.NEW), new PlateReport("ABC123", "ON", 98, PlateEventKind.UPDATE),
                new PlateReport("ABC123", "", 100, PlateEventKind.LOST)), reports);
        assertEquals(3, webhook.accepted());
    }

    @Test
    void aPlateRecognizerStyleWebhookMapsWithoutCode() throws Exception {
        start(PlateMapping.PLATE_RECOGNIZER, 4_096);
        String body = "{\"hook\":{\"event\":\"recognition\"},\"data\":{\"camera_id\":\"lane-07\",\"results\":"
                + "[{\"plate\":\"7abc123\",\"score\":0.912,\"region\":{\"code\":\"us-ca\",\"score\":0.8}}]}}";
        assertEquals(200, post(body, SECRET).statusCode());
        assertEquals(List.of(new PlateReport("7ABC123", "CA", 91, PlateEventKind.NEW)), reports,
                "a region code us-ca is the list's CA (before: US-CA, which no list entry matches)");
    }

    @Test
    void whatRealCamerasSendIsRead() throws Exception {
        // A table for codes that are not country-subdivision pairs; the preset takes ca-on as ON by itself.
        start(new PlateMapping("/plate", "/region", "/confidence", 100, null, java.util.Map.of(), java.util.Map.of("QUEBEC", "QC"), false),
                256 * 1024);
        // Numbers as strings, and the plate's image in base64 beside it (an Axis-style post): 100 KB of string.
        String image = "A".repeat(100_000);
        assertEquals(200, post("{\"plate\":\"abc 123\",\"region\":\"quebec\",\"confidence\":\"87\",\"image\":\"" + image + "\"}",
                SECRET).statusCode(), "before: strings over 4,096 characters and numbers as strings were refused");
        assertEquals(List.of(new PlateReport("ABC 123", "QC", 87, PlateEventKind.NEW)), reports);
    }

    @Test
    void controlCharactersInAPlateAreRefusedAndNeverEchoedRaw() throws Exception {
        start(PlateMapping.FLAT, 4_096);
        HttpResponse<String> newline = post("{\"plate\":\"ABC\\n123\"}", SECRET);
        assertEquals(422, newline.statusCode(), "before: accepted, and printed raw (a log line split in two)");
        assertTrue(newline.body().contains("control character") && !newline.body().contains("\n1"), newline.body());
        assertEquals(422, post("{\"plate\":\"ABC\\u0000\"}", SECRET).statusCode());
        assertEquals(422, post("{\"plate\":\"ABC\",\"event\":\"\\u001b[31mred\"}", SECRET).statusCode());
        assertEquals(List.of(), reports);
    }

    @Test
    void refusalsSayWhyAndReportNothing() throws Exception {
        start(PlateMapping.FLAT, 512);
        HttpResponse<String> unauthenticated = post("{\"plate\":\"ABC123\"}", null);
        assertEquals(401, unauthenticated.statusCode());
        assertEquals(401, post("{\"plate\":\"ABC123\"}", "Bearer wrong-secret-wrong-secret").statusCode());
        assertEquals(413, post("{\"plate\":\"" + "A".repeat(600) + "\"}", SECRET).statusCode());
        HttpResponse<String> malformed = post("{\"plate\":", SECRET);
        assertEquals(400, malformed.statusCode());
        assertTrue(malformed.body().contains("not JSON"), malformed.body());
        HttpResponse<String> unmapped = post("{\"licence\":\"ABC123\"}", SECRET);
        assertEquals(422, unmapped.statusCode());
        assertTrue(unmapped.body().contains("no plate text at /plate"), unmapped.body());
        assertEquals(422, post("{\"plate\":\"ABC123\",\"event\":\"parked\"}", SECRET).statusCode());
        HttpResponse<String> notANumber = post("{\"plate\":\"ABC123\",\"confidence\":\"high\"}", SECRET);
        assertEquals(422, notANumber.statusCode());
        assertTrue(notANumber.body().contains("'high', not a number"), notANumber.body());
        assertEquals(422, post("{\"plate\":\"ABCDEFGHIJKLMNOPQRSTUVWXYZ\"}", SECRET).statusCode());
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webhook.port() + "/plates"))
                .header("Authorization", SECRET).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        assertEquals(List.of(), reports);
        assertEquals(9, webhook.refused());
    }

    @Test
    void randomBodiesNeverEscapeTheMapping() throws Exception {
        ObjectMapper json = new ObjectMapper();
        SplittableRandom random = new SplittableRandom(3);
        String alphabet = "{}[]\":,0123456789.eE-+ tfnrulasplateconfidenceregionevent\\";
        for (int i = 0; i < 100_000; i++) {
            StringBuilder text = new StringBuilder(i % 3 == 0 ? "{\"plate\":" : "");
            for (int n = random.nextInt(40); n > 0; n--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            try {
                var document = json.readTree(text.toString());
                if (document != null) {
                    PlateMapping.FLAT.read(document);
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException expected) {
                // Refused, as it should be.
            }
        }
        start(PlateMapping.FLAT, 4_096);
        for (int i = 0; i < 200; i++) {
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            int status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webhook.port() + "/plates"))
                    .header("Authorization", SECRET).POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            assertTrue(status == 400 || status == 422 || status == 200, "status " + status);
        }
    }

    @Test
    void clientsThatStallMidBodyNeitherBlockTheCameraNorHoldTheirConnections() throws Exception {
        assertEquals(String.valueOf(PlateWebhook.REQUEST_SECONDS_MAX), System.getProperty("sun.net.httpserver.maxReqTime"),
                "the JVM runs with the request time limit the daemon sets (pom argLine, Main)");
        start(PlateMapping.FLAT, 4_096);
        List<java.net.Socket> stalled = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < PlateWebhook.WORKER_THREADS - 1; i++) {
                // Headers and the secret, then 10 of the 200 bytes the body says: a slow-loris client.
                java.net.Socket socket = new java.net.Socket("127.0.0.1", webhook.port());
                socket.getOutputStream().write(("POST /plates HTTP/1.1\r\nHost: x\r\nAuthorization: " + SECRET
                        + "\r\nContent-Length: 200\r\n\r\n{\"plate\":").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                stalled.add(socket);
            }
            long started = System.nanoTime();
            // Before, two stalled posts held both workers and this one got no answer in 15 s (and they were held for minutes).
            assertEquals(200, post("{\"plate\":\"abc 123\",\"region\":\"on\",\"confidence\":93}", SECRET).statusCode());
            long answeredMs = (System.nanoTime() - started) / 1_000_000;
            assertTrue(answeredMs < PlateWebhook.REQUEST_SECONDS_MAX * 1_000L, "answered after " + answeredMs + " ms, not at once");
            for (java.net.Socket socket : stalled) {
                socket.setSoTimeout((PlateWebhook.REQUEST_SECONDS_MAX + 10) * 1_000);
                // The server gives up on the stalled request: the connection ends (or is reset), not held for minutes.
                long waitStarted = System.nanoTime();
                try {
                    assertEquals(-1, socket.getInputStream().read(), "no answer to a request never sent whole");
                } catch (java.net.SocketException reset) {
                    // Reset by the server: closed, as it should be.
                }
                assertTrue(System.nanoTime() - waitStarted < (PlateWebhook.REQUEST_SECONDS_MAX + 5) * 1_000_000_000L);
            }
        } finally {
            for (java.net.Socket socket : stalled) {
                socket.close();
            }
        }
        assertEquals(List.of(new PlateReport("ABC 123", "ON", 93, PlateEventKind.NEW)), reports);
    }

    private HttpResponse<byte[]> postBytes(byte[] body, String contentType) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webhook.port() + "/plates")).header("Authorization", SECRET)
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).timeout(java.time.Duration.ofSeconds(20))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static final PlateMapping HIKVISION_STYLE = new PlateMapping("/ANPR/licensePlate", "/ANPR/country", "/ANPR/confidenceLevel", 100,
            null, java.util.Map.of(), java.util.Map.of(), false);
    private static final String ANPR_XML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<EventNotificationAlert version=\"2.0\" xmlns=\"http://www.hikvision.com/ver20/XMLSchema\">"
            + "<ipAddress>192.168.50.40</ipAddress><eventType>ANPR</eventType>"
            + "<ANPR><country>ON</country><licensePlate>ABC123</licensePlate><confidenceLevel>87</confidenceLevel>"
            + "<pictureInfoList><pictureInfo><fileName>licensePlatePicture.jpg</fileName></pictureInfo>"
            + "<pictureInfo><fileName>detectionPicture.jpg</fileName></pictureInfo></pictureInfoList></ANPR></EventNotificationAlert>";

    @Test
    void xmlAlarmsAndMultipartPostsWithImagesAreRead() throws Exception {
        start(HIKVISION_STYLE, 256 * 1024);
        assertEquals(200, postBytes(ANPR_XML.getBytes(StandardCharsets.UTF_8), "application/xml").statusCode(),
                "before: XML was refused outright");
        String boundary = "boundary-0123";
        java.io.ByteArrayOutputStream multipart = new java.io.ByteArrayOutputStream();
        multipart.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"anpr.xml\"; filename=\"anpr.xml\"\r\n"
                + "Content-Type: application/xml\r\n\r\n" + ANPR_XML.replace("ABC123", "XYZ789") + "\r\n").getBytes(StandardCharsets.UTF_8));
        multipart.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"licensePlatePicture.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        byte[] jpeg = new byte[50_000];
        new SplittableRandom(1).nextBytes(jpeg);
        multipart.writeBytes(jpeg);
        multipart.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        assertEquals(200, postBytes(multipart.toByteArray(), "multipart/form-data; boundary=" + boundary).statusCode());
        assertEquals(List.of(new PlateReport("ABC123", "ON", 87, PlateEventKind.NEW), new PlateReport("XYZ789", "ON", 87, PlateEventKind.NEW)),
                reports);
    }

    @Test
    void xmlWithADoctypeIsRefusedSoNoEntityIsEverResolved() throws Exception {
        start(HIKVISION_STYLE, 16 * 1024);
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<EventNotificationAlert><ANPR><licensePlate>&x;</licensePlate></ANPR></EventNotificationAlert>";
        HttpResponse<byte[]> refused = postBytes(xxe.getBytes(StandardCharsets.UTF_8), "application/xml");
        assertEquals(400, refused.statusCode());
        assertTrue(new String(refused.body(), StandardCharsets.UTF_8).contains("not XML"), new String(refused.body(), StandardCharsets.UTF_8));
        HttpResponse<byte[]> imagesOnly = postBytes(("--b\r\nContent-Type: image/jpeg\r\n\r\nxx\r\n--b--\r\n").getBytes(StandardCharsets.UTF_8),
                "multipart/form-data; boundary=b");
        assertEquals(400, imagesOnly.statusCode());
        assertEquals(List.of(), reports);
    }

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @Test
    void overHttpsTheCameraPostsWithTheLanesCertificate() throws Exception {
        // A certificate for the test, made by the JDK's keytool (the lane's own is PEM, read by the controller's Tls).
        java.nio.file.Path store = dir.resolve("lane.p12");
        Process keytool = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "lane", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "changeit").redirectErrorStream(true).start();
        assertEquals(0, keytool.waitFor(), new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        javax.net.ssl.KeyManagerFactory keyManagers = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, "changeit".toCharArray());
        javax.net.ssl.SSLContext server = javax.net.ssl.SSLContext.getInstance("TLS");
        server.init(keyManagers.getKeyManagers(), null, null);
        javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keys);
        javax.net.ssl.SSLContext client = javax.net.ssl.SSLContext.getInstance("TLS");
        client.init(null, trust.getTrustManagers(), null);

        webhook = new PlateWebhook(new PlateWebhook.Settings("127.0.0.1", 0, "/plates", "Authorization", SECRET, 4_096, PlateMapping.FLAT), server);
        webhook.onReport(reports::add);
        webhook.start();
        assertTrue(webhook.https());
        HttpClient https = HttpClient.newBuilder().sslContext(client).build();
        HttpResponse<String> posted = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + webhook.port() + "/plates"))
                .header("Authorization", SECRET).POST(HttpRequest.BodyPublishers.ofString("{\"plate\":\"ABC123\",\"region\":\"ON\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, posted.statusCode(), posted.body());
        assertEquals(List.of(new PlateReport("ABC123", "ON", 100, PlateEventKind.NEW)), reports);
        // A camera that speaks plain HTTP to it gets nowhere (and posts nothing).
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> post("{\"plate\":\"XYZ\"}", SECRET));
        assertEquals(1, reports.size());
    }
}
