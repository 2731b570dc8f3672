package dev.lanecontroller.link;

import java.util.List;
import java.util.function.Consumer;
import javax.net.SocketFactory;

/**
 * The little of MQTT the link needs, so the client library (Paho today) can be swapped without
 * touching the link. One connection at a time; {@link #connect} may be called again after a loss.
 */
public interface MqttTransport extends AutoCloseable {
    /** How to connect: the last will is published by the broker, retained, when the connection is lost. */
    record ConnectSpec(String clientId, int keepAliveS, int connectTimeoutS, int maxInFlight, String willTopic, byte[] willPayload,
                       SocketFactory socketFactory) {}

    /** Called on the client's thread: keep it short, and never throw. */
    interface Listener {
        /** {@code retained}: the broker kept this message and is handing it to a new subscription. */
        void messageArrived(String topic, byte[] payload, boolean retained);

        void connectionLost(Throwable cause);
    }

    /** Blocks until connected; throws with the broker's or the network's reason. */
    void connect(ConnectSpec spec, Listener listener) throws TransportException;

    /**
     * Hands a message to the client. {@code done} is called once: with null when the broker
     * acknowledged it (PUBACK for QoS 1), or with the reason it was not. Throws when the client
     * would not even take it (not connected, window full).
     */
    void publish(String topic, byte[] payload, int qos, boolean retained, Consumer<Throwable> done) throws TransportException;

    /** Blocks until the broker granted every filter; throws if it refused one. */
    void subscribe(List<String> topicFilters, int qos) throws TransportException;

    void unsubscribe(String topicFilter) throws TransportException;

    boolean isConnected();

    /** A clean disconnect: the broker does not publish the last will. */
    void disconnect();

    @Override
    void close();

    /** The transport's failures, with a message fit for an operator. */
    final class TransportException extends Exception {
        private static final long serialVersionUID = 1L;

        public TransportException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
