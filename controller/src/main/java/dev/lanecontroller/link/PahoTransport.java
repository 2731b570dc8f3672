package dev.lanecontroller.link;

import java.util.List;
import java.util.function.Consumer;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * {@link MqttTransport} over the Eclipse Paho v3 async client. Paho keeps in-flight messages in
 * memory only: the journal is the outbox, so nothing Paho holds needs to survive a restart.
 * Paho's own reconnect is off: the link reconnects with jittered backoff (DESIGN §7).
 */
public final class PahoTransport implements MqttTransport {
    private static final long SUBSCRIBE_TIMEOUT_MS = 10_000;
    private static final long DISCONNECT_QUIESCE_MS = 1_000;
    private static final int SUBSCRIBE_REFUSED = 0x80;

    private final MqttAsyncClient client;

    public PahoTransport(String brokerUri, String clientId) throws TransportException {
        try {
            client = new MqttAsyncClient(brokerUri, clientId, new MemoryPersistence());
        } catch (MqttException | IllegalArgumentException e) {
            throw new TransportException("cannot make an MQTT client for " + brokerUri + ": " + e.getMessage(), e);
        }
    }

    /** Over a client made elsewhere: tests give Paho's failures that a real broker will not provoke on demand. */
    PahoTransport(MqttAsyncClient client) {
        this.client = client;
    }

    @Override
    public void connect(ConnectSpec spec, Listener listener) throws TransportException {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval(spec.keepAliveS());
        options.setConnectionTimeout(spec.connectTimeoutS());
        options.setMaxInflight(spec.maxInFlight());
        if (spec.willTopic() != null) {
            options.setWill(spec.willTopic(), spec.willPayload(), 1, true);
        }
        if (spec.socketFactory() != null) {
            options.setSocketFactory(spec.socketFactory());
        }
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                listener.connectionLost(cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                listener.messageArrived(topic, message.getPayload(), message.isRetained());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // Each publish has its own listener.
            }
        });
        try {
            client.connect(options).waitForCompletion((spec.connectTimeoutS() + 1) * 1000L);
        } catch (MqttException e) {
            throw new TransportException("cannot connect to " + client.getServerURI() + ": " + describe(e), e);
        }
    }

    @Override
    public void publish(String topic, byte[] payload, int qos, boolean retained, Consumer<Throwable> done) throws TransportException {
        try {
            client.publish(topic, payload, qos, retained, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    done.accept(null);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    done.accept(failure == null ? new IllegalStateException("publish failed") : failure);
                }
            });
        } catch (MqttException | IllegalArgumentException e) {
            throw new TransportException("cannot publish to " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void subscribe(List<String> topicFilters, int qos) throws TransportException {
        String[] filters = topicFilters.toArray(String[]::new);
        int[] qoss = new int[filters.length];
        java.util.Arrays.fill(qoss, qos);
        try {
            IMqttToken token = client.subscribe(filters, qoss);
            token.waitForCompletion(SUBSCRIBE_TIMEOUT_MS);
            int[] granted = token.getGrantedQos();
            for (int i = 0; i < granted.length; i++) {
                if (granted[i] == SUBSCRIBE_REFUSED) {
                    throw new TransportException("the broker refused the subscription to " + filters[i]
                            + " (check its access control list)", null);
                }
            }
        } catch (MqttException e) {
            throw new TransportException("cannot subscribe to " + topicFilters + ": " + describe(e), e);
        }
    }

    @Override
    public void unsubscribe(String topicFilter) throws TransportException {
        try {
            client.unsubscribe(topicFilter).waitForCompletion(SUBSCRIBE_TIMEOUT_MS);
        } catch (MqttException e) {
            throw new TransportException("cannot unsubscribe from " + topicFilter + ": " + describe(e), e);
        }
    }

    @Override
    public boolean isConnected() {
        return client.isConnected();
    }

    @Override
    public void disconnect() {
        try {
            if (client.isConnected()) {
                client.disconnect(DISCONNECT_QUIESCE_MS).waitForCompletion(DISCONNECT_QUIESCE_MS * 2);
            }
        } catch (MqttException e) {
            // Gone either way; the broker publishes the will if it did not see the disconnect.
            System.getLogger(PahoTransport.class.getName()).log(System.Logger.Level.WARNING, "disconnect: " + describe(e));
        }
    }

    @Override
    public void close() {
        try {
            client.disconnectForcibly(0, DISCONNECT_QUIESCE_MS, false);
        } catch (MqttException e) {
            // Already disconnected.
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            System.getLogger(PahoTransport.class.getName()).log(System.Logger.Level.WARNING, "close: " + describe(e));
        }
    }

    private static String describe(MqttException e) {
        String cause = e.getCause() == null ? "" : " (" + e.getCause() + ")";
        return e.getMessage() + " [reason " + e.getReasonCode() + "]" + cause;
    }
}
