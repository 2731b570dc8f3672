package dev.lanecontroller.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Central's side in the tests, written from docs/mqtt-contract.md: a persistent session (so the
 * broker queues events while this consumer is away), events deduped by event id and put in order
 * by sequence number.
 */
final class CentralConsumer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MqttClient client;
    private final Map<Long, JsonNode> bySeq = new TreeMap<>();
    private final List<JsonNode> arrivals = new ArrayList<>();
    private final List<String> topicsSeen = new ArrayList<>();
    private final Map<String, List<JsonNode>> otherTopics = new TreeMap<>();
    private final List<String> violations = new ArrayList<>();
    private int duplicates;
    private int reused;

    CentralConsumer(String brokerUri, String clientId, String... filters) throws Exception {
        this(brokerUri, null, clientId, filters);
    }

    /** Over TLS with central's own client certificate, when {@code socketFactory} is not null. */
    CentralConsumer(String brokerUri, javax.net.SocketFactory socketFactory, String clientId, String... filters) throws Exception {
        client = new MqttClient(brokerUri, clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setSocketFactory(socketFactory != null ? socketFactory : new NoDelaySockets());
        options.setCleanSession(false);
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay(500);
        options.setMaxInflight(1_000);
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
                if (reconnect) {
                    // Not on this thread: a blocking call from Paho's callback thread stalls every delivery.
                    new Thread(() -> {
                        try {
                            client.subscribe(filters, qos(filters));
                        } catch (Exception e) {
                            // Paho retries the connection; a persistent session still holds the subscription.
                        }
                    }, "consumer-resubscribe").start();
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
                // Paho reconnects by itself (automatic reconnect is on for this consumer).
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) throws Exception {
                received(topic, message.getPayload(), JSON.readTree(message.getPayload()));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // This consumer publishes only in the tests that send commands, synchronously.
            }
        });
        client.connect(options);
        client.subscribe(filters, qos(filters));
    }

    private static int[] qos(String[] filters) {
        int[] qos = new int[filters.length];
        java.util.Arrays.fill(qos, 1);
        return qos;
    }

    private synchronized void received(String topic, byte[] raw, JsonNode message) {
        topicsSeen.add(topic);
        for (String problem : Schemas.violations(message)) {
            violations.add(topic + ": " + problem);
        }
        if ((topic.endsWith("/events") || topic.endsWith("/alerts")) && !hashHolds(raw, message)) {
            violations.add(topic + ": the hash of seq " + message.path("seq").asLong() + " is not docs/journal.md's recipe over the bytes that came");
        }
        if (!topic.endsWith("/events")) {
            otherTopics.computeIfAbsent(topic, t -> new ArrayList<>()).add(message);
            notifyAll();
            return;
        }
        arrivals.add(message);
        JsonNode earlier = bySeq.putIfAbsent(message.get("seq").asLong(), message);
        if (earlier != null) {
            duplicates++;
            if (!earlier.get("hash").asText().equals(message.get("hash").asText())) {
                reused++; // one sequence number, two different events: the lane lost one and reissued its number
            }
        }
        notifyAll();
    }

    void publish(String topic, byte[] payload, boolean retained) throws Exception {
        client.publish(topic, payload, 1, retained);
    }

    boolean isConnected() {
        return client.isConnected();
    }

    synchronized Map<Long, JsonNode> events() {
        return new TreeMap<>(bySeq);
    }

    synchronized List<JsonNode> arrivals() {
        return new ArrayList<>(arrivals);
    }

    synchronized int duplicates() {
        return duplicates;
    }

    /** Sequence numbers that came with two different events. Must be 0. */
    synchronized int reusedSeqs() {
        return reused;
    }

    synchronized int distinctEvents() {
        return bySeq.size();
    }

    synchronized List<JsonNode> on(String topic) {
        return new ArrayList<>(otherTopics.getOrDefault(topic, List.of()));
    }

    /** Waits until the condition holds (checked on every message and every 100 ms); false on timeout. */
    synchronized boolean await(BooleanSupplier condition, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.getAsBoolean()) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(Math.min(left, 100));
        }
        return true;
    }

    /** Sequence numbers in 1..last that never arrived. */
    synchronized List<Long> missing(long last) {
        List<Long> missing = new ArrayList<>();
        for (long seq = 1; seq <= last; seq++) {
            if (!bySeq.containsKey(seq)) {
                missing.add(seq);
            }
        }
        return missing;
    }

    /** Every event's prevHash is the hash of the event before it: in order, none altered, none missing. */
    synchronized boolean chainIntact() {
        String previous = null;
        for (JsonNode event : bySeq.values()) {
            if (previous != null && !previous.equals(event.get("prevHash").asText())) {
                return false;
            }
            previous = event.get("hash").asText();
        }
        return true;
    }

    /**
     * docs/journal.md's recipe, followed as a consumer written from the doc would: SHA-256 of
     * prevHash, seq, bootId, monoMs, wallMs, clockSynced, type and the details' raw bytes, joined by
     * line feeds. Not the lane's own code: the contract is what is checked.
     */
    static boolean hashHolds(byte[] raw, JsonNode event) {
        String text = new String(raw, java.nio.charset.StandardCharsets.UTF_8);
        int start = text.indexOf("\"details\":");
        if (start < 0) {
            return false;
        }
        start += "\"details\":".length();
        int depth = 0;
        boolean inString = false;
        int end = -1;
        for (int i = start; i < text.length() && end < 0; i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) {
                    end = i + 1;
                }
            }
        }
        if (end < 0) {
            return false;
        }
        String joined = String.join("\n", event.path("prevHash").asText(), event.path("seq").asText(), event.path("bootId").asText(),
                event.path("monoMs").asText(), event.path("wallMs").asText(), event.path("clockSynced").asBoolean() ? "true" : "false",
                event.path("type").asText(), text.substring(start, end));
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(joined.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest).equals(event.path("hash").asText());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every message this consumer got, checked against its JSON Schema and every event against the hash recipe: the contract holds. */
    synchronized List<String> violations() {
        return new ArrayList<>(violations);
    }

    @Override
    public void close() {
        List<String> broken = violations();
        if (!broken.isEmpty()) {
            throw new AssertionError(broken.size() + " messages broke the contract (their schema, or the hash recipe), the first: " + broken.get(0));
        }
        try {
            if (client.isConnected()) {
                client.disconnect(1_000);
            }
            client.close();
        } catch (Exception e) {
            // The test is over.
        }
    }
}
