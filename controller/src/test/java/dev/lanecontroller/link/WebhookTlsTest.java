package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lanecontroller.cli.Main;
import dev.lanecontroller.hal.PlateEventKind;
import dev.lanecontroller.hal.PlateReport;
import dev.lanecontroller.hal.camera.PlateMapping;
import dev.lanecontroller.hal.camera.PlateWebhook;
import dev.lanecontroller.pki.Tls;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The camera webhook over HTTPS with a certificate and key in the lane's PEM files, as the config names them. */
class WebhookTlsTest {
    private static final String SECRET = "Bearer webhook-tls-secret-0123";

    @TempDir
    Path dir;

    @Test
    void theWebhookServesHttpsWithPemFilesAndACameraThatTrustsTheCaPosts() throws Exception {
        TestPki pki = new TestPki(dir.resolve("pki"));
        pki.issue("webhook", "127.0.0.1", "ip:127.0.0.1");
        SSLContext server = Tls.serverContext(pki.file("webhook.pem"), pki.file("webhook.key"));
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (InputStream ca = Files.newInputStream(pki.file("ca.pem"))) {
            trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext camera = SSLContext.getInstance("TLS");
        camera.init(null, trust.getTrustManagers(), null);
        List<PlateReport> reports = new CopyOnWriteArrayList<>();
        try (PlateWebhook webhook = new PlateWebhook(new PlateWebhook.Settings("127.0.0.1", 0, "/plates", "Authorization", SECRET, 4_096,
                PlateMapping.FLAT), server)) {
            webhook.onReport(reports::add);
            webhook.start();
            HttpResponse<String> posted = HttpClient.newBuilder().sslContext(camera).build().send(HttpRequest.newBuilder(
                            URI.create("https://127.0.0.1:" + webhook.port() + "/plates")).header("Authorization", SECRET)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"plate\":\"ABC123\",\"region\":\"ON\",\"confidence\":90}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, posted.statusCode(), posted.body());
        }
        assertEquals(List.of(new PlateReport("ABC123", "ON", 90, PlateEventKind.NEW)), reports);
    }

    @Test
    void checkConfigNamesMissingWebhookCertificateFiles() throws Exception {
        Files.writeString(dir.resolve("camera.secret"), SECRET + "\n");
        Path config = dir.resolve("lane.yaml");
        Files.writeString(config, """
                lane: {id: lane-tls, armingLoop: false}
                hardware: {kind: bench}
                reader:
                  kind: llrp
                  llrp: {host: 127.0.0.1}
                camera:
                  kind: webhook
                  webhook: {port: 8443, secretFile: camera.secret, mapping: {preset: flat}, tls: {certFile: nope.pem, keyFile: nope.key}}
                """);
        assertEquals(2, Main.execute("check-config", config.toString()), "a webhook whose certificate is not there is a bad config");
    }
}
