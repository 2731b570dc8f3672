package dev.lanecontroller.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The central link's configuration (the {@code central} section; docs/configuration.md).
 *
 * @param brokerUri {@code ssl://host:port}, or {@code tcp://host:port} only with {@code allowPlainTcp}
 * @param caFile the CA that signed the broker's certificate (PEM); null with plain TCP
 * @param certFile this lane's client certificate (PEM)
 * @param keyFile this lane's private key (PEM, PKCS#8)
 * @param listKeys key id to Ed25519 public key file: who may sign clearance lists
 * @param commandKeys key id to Ed25519 public key file: who may sign commands
 * @param backlogAlarmEvents ascending numbers of unacknowledged events at which CENTRAL_BACKLOG is raised
 * @param backlogAlarmAgeMs ascending ages of the oldest unacknowledged event at which it is raised
 */
public record CentralSettings(
        String brokerUri,
        String site,
        String topicRoot,
        String clientId,
        Path caFile,
        Path certFile,
        Path keyFile,
        boolean allowPlainTcp,
        int keepAliveS,
        long heartbeatIntervalMs,
        int inFlightWindow,
        long reconnectMinMs,
        long reconnectMaxMs,
        long commandMaxAgeMs,
        Map<String, Path> listKeys,
        Map<String, Path> commandKeys,
        List<Long> backlogAlarmEvents,
        List<Long> backlogAlarmAgeMs) {
    /** A site's id (and a lane's): the second and third levels of every lane topic. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    /** The first levels of every topic: 1-4 levels of lower-case letters, digits, '-'. */
    public static final Pattern TOPIC_ROOT = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}(/[a-z0-9][a-z0-9-]{0,31}){0,3}");


    public CentralSettings {
        backlogAlarmEvents = List.copyOf(backlogAlarmEvents);
        backlogAlarmAgeMs = List.copyOf(backlogAlarmAgeMs);
    }

    public boolean usesTls() {
        return brokerUri.startsWith("ssl://");
    }
}
