package dev.lanecontroller.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanecontroller.contract.Topics;
import dev.lanecontroller.hal.Scheduler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The broker and the network to it, behind the link's {@link MqttTransport}, in virtual time, its
 * faults drawn from the seed (issue 18). While faulty it refuses some connects; each event is
 * delivered after a delay (so they reorder), sometimes twice; sometimes lost before the broker (no
 * PUBACK); sometimes acknowledged and then lost (the broker killed after its PUBACK). Messages from
 * central to the lane (commands) are delayed, sometimes lost or delivered twice, and reach the lane
 * only on a connection that subscribed to them (clean sessions: nothing waits for a lane that is
 * away, except retained messages, sent on subscribing). A dropped connection fails what was in
 * flight on it and tells the link it was lost; a lane that dies leaves its will. Once healed it
 * delivers everything, in order.
 */
final class SimulatedBroker implements MqttTransport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Scheduler time;
    private final SplittableRandom random;
    private final Topics topics;
    private final SimulatedCentral central;
    private final Map<String, Long> counts = new TreeMap<>();
    private int connection;
    private boolean up;
    private boolean healthy;
    /** The simulation sets it: the broker misbehaves while it is. */
    boolean faulty = true;
    private Listener listener;
    private ConnectSpec spec;
    private final List<Consumer<Throwable>> inFlight = new ArrayList<>();
    private final List<String> subscriptions = new ArrayList<>();
    private final Map<String, byte[]> retained = new HashMap<>();
    /** Every event (by sequence number) the broker sent a PUBACK for. */
    final BitSet acknowledged = new BitSet();
    /** Every event a broker acknowledged at least once and then lost. */
    final BitSet lostAfterAck = new BitSet();
    /** Told of anything that may give the link work (a PUBACK, a message, a lost connection): a simulation's driver. */
    private Runnable onActivity = () -> { };
    private Consumer<byte[]> requests = payload -> { };

    SimulatedBroker(Scheduler time, SplittableRandom random, Topics topics, SimulatedCentral central) {
        this.time = time;
        this.random = random;
        this.topics = topics;
        this.central = central;
    }

    void onActivity(Runnable driver) {
        onActivity = driver;
    }

    /** Where the lane's requests (list snapshots) go: central's desk. */
    void onRequest(Consumer<byte[]> desk) {
        requests = desk;
    }

    boolean connected() {
        return up;
    }

    @Override
    public void connect(ConnectSpec newSpec, Listener newListener) throws TransportException {
        if (faulty && random.nextInt(5) == 0) {
            throw new TransportException("simulated: connection refused", null);
        }
        if (up) {
            end("a new connection with the same client id takes over");
        }
        up = true;
        healthy = !faulty;
        connection++;
        listener = newListener;
        spec = newSpec;
    }

    /** The network or the broker ends the connection; the link hears of it as a lost connection. */
    void drop(String why) {
        tally("disconnects");
        end(why);
        leaveWill();
        listener.connectionLost(new IOException("simulated: " + why));
        onActivity.run();
    }

    /** The lane's process died (a power cut): the broker notices the silence and publishes its will. */
    void laneDied() {
        if (up) {
            end("the lane died");
            leaveWill();
        }
    }

    private void leaveWill() {
        if (spec != null && spec.willTopic() != null) {
            tally("wills");
            retained.put(spec.willTopic(), spec.willPayload());
            central.status(spec.willPayload());
        }
    }

    private void end(String why) {
        up = false;
        connection++;
        subscriptions.clear();
        List<Consumer<Throwable>> failed = new ArrayList<>(inFlight);
        inFlight.clear();
        failed.forEach(done -> done.accept(new IOException("connection lost: " + why)));
    }

    /** From here on the broker behaves: a connection made while it misbehaved is dropped. */
    void heal() {
        healthy = true;
        faulty = false;
        if (up) {
            drop("healing: a clean connection from here on");
        }
    }

    @Override
    public void disconnect() {
        if (up) {
            end("the link disconnected");
        }
    }

    @Override
    public void close() {
        disconnect();
    }

    @Override
    public boolean isConnected() {
        return up;
    }

    @Override
    public void subscribe(List<String> topicFilters, int qos) throws TransportException {
        if (!up) {
            throw new TransportException("not connected", null);
        }
        subscriptions.addAll(topicFilters);
        for (Map.Entry<String, byte[]> message : new TreeMap<>(retained).entrySet()) {
            if (topicFilters.stream().anyMatch(filter -> matches(filter, message.getKey()))) {
                toLane(message.getKey(), message.getValue(), true);
            }
        }
    }

    @Override
    public void unsubscribe(String topicFilter) {
        subscriptions.remove(topicFilter);
    }

    /** Central publishes to the lane: delivered if the lane is connected and subscribed, as the seed draws it. */
    void fromCentral(String topic, byte[] payload, boolean retain) {
        if (retain) {
            retained.put(topic, payload);
        }
        if (!up || subscriptions.stream().noneMatch(filter -> matches(filter, topic))) {
            tally("to the lane while away");
            return;
        }
        toLane(topic, payload, false);
    }

    private void toLane(String topic, byte[] payload, boolean asRetained) {
        int draw = healthy ? 99 : random.nextInt(100);
        if (draw < 3) {
            tally("to the lane, lost");
            return;
        }
        deliverLater(topic, payload, asRetained, healthy ? 2 : random.nextInt(300));
        if (draw < 8) {
            tally("to the lane twice");
            deliverLater(topic, payload, asRetained, random.nextInt(1_000));
        }
    }

    private void deliverLater(String topic, byte[] payload, boolean asRetained, long delayMs) {
        int onConnection = connection;
        time.after(delayMs, () -> {
            if (up && onConnection == connection) {
                listener.messageArrived(topic, payload, asRetained);
                onActivity.run();
            }
        });
    }

    /** MQTT's topic filters: '+' one level, '#' the rest. */
    static boolean matches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length || !(f[i].equals("+") || f[i].equals(t[i]))) {
                return false;
            }
        }
        return f.length == t.length;
    }

    @Override
    public void publish(String topic, byte[] payload, int qos, boolean retain, Consumer<Throwable> done) throws TransportException {
        if (!up) {
            throw new TransportException("not connected", null);
        }
        if (retain) {
            retained.put(topic, payload);
        }
        if (topic.equals(topics.events())) {
            event(payload, done);
            return;
        }
        if (topic.equals(topics.status())) {
            tally("statuses");
            central.status(payload);
        } else if (topic.equals(topics.replies())) {
            tally("replies");
            // A reply is an ordinary QoS 1 message, late while the broker misbehaves; the record is the event.
            time.after(healthy ? 2 : random.nextInt(300), () -> central.reply(payload));
        } else if (topic.equals(topics.requests())) {
            tally("requests");
            time.after(healthy ? 2 : random.nextInt(300), () -> requests.accept(payload));
        }
        done.accept(null); // alerts (the convenience copy), requests: acknowledged at once
    }

    private void event(byte[] payload, Consumer<Throwable> done) {
        tally("publishes");
        int draw = healthy ? 99 : random.nextInt(100);
        if (draw < 3) {
            tally("lost before the broker");
            inFlight.add(done); // no PUBACK ever: the link's acknowledgement timeout ends the connection
            return;
        }
        boolean lostAfterAck = draw < 6;
        boolean twice = draw >= 6 && draw < 12;
        inFlight.add(done);
        int onConnection = connection;
        int seq = Math.toIntExact(parse(payload).get("seq").asLong());
        time.after(random.nextInt(healthy ? 5 : 200), () -> {
            if (onConnection == connection && inFlight.remove(done)) {
                acknowledged.set(seq);
                done.accept(null);
                onActivity.run();
            }
        });
        if (lostAfterAck) {
            tally("acknowledged, then lost");
            this.lostAfterAck.set(seq);
            return;
        }
        time.after(random.nextInt(healthy ? 5 : 300), () -> central.deliver(payload));
        if (twice) {
            tally("delivered twice");
            time.after(random.nextInt(1_000), () -> central.deliver(payload));
        }
    }

    static JsonNode parse(byte[] payload) {
        try {
            return JSON.readTree(payload);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + e.getMessage());
        }
    }

    private void tally(String what) {
        counts.merge(what, 1L, Long::sum);
    }

    void count(String what, long howMany) {
        counts.put(what, howMany);
    }

    long count(String what) {
        return counts.getOrDefault(what, 0L);
    }

    Map<String, Long> counts() {
        return counts;
    }

    long faults() {
        return count("lost before the broker") + count("acknowledged, then lost") + count("delivered twice") + count("disconnects");
    }
}
