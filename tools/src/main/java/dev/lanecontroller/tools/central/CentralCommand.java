package dev.lanecontroller.tools.central;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanecontroller.contract.CommandWire;
import dev.lanecontroller.contract.ListWire;
import dev.lanecontroller.contract.Topics;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.hal.TagRead;
import dev.lanecontroller.pki.Ed25519Keys;
import dev.lanecontroller.store.CardRecord;
import dev.lanecontroller.store.ListFileReader;
import dev.lanecontroller.store.ListFormatException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Central's side of docs/mqtt-contract.md, for technicians and test rigs: keys, lists, commands, an event tail. */
@Command(name = "central", description = "Central's tools: make a signing key, publish a signed list, send a signed command, tail a lane.",
        subcommands = {CentralCommand.Keygen.class, CentralCommand.PublishList.class, CentralCommand.SendCommand.class,
                CentralCommand.Tail.class})
public final class CentralCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Command(name = "keygen", description = "Makes an Ed25519 key pair: NAME.key (private, PKCS#8 PEM, mode 600) and NAME.pub.")
    static final class Keygen implements Callable<Integer> {
        @Option(names = "--out", required = true, description = "the folder for the key files")
        Path out;

        @Option(names = "--name", required = true, description = "the key id, e.g. central-lists-2026")
        String name;

        @Override
        public Integer call() throws IOException {
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
                System.err.println("--name must be letters, digits, '.', '_', '-' (it becomes the key id and the file names)");
                return 2;
            }
            Files.createDirectories(out);
            Path privateFile = out.resolve(name + ".key");
            Path publicFile = out.resolve(name + ".pub");
            if (Files.exists(privateFile)) {
                System.err.println(privateFile + " exists: a key is never overwritten");
                return 2;
            }
            KeyPair pair = Ed25519Keys.generate();
            Files.createFile(privateFile);
            try {
                Files.setPosixFilePermissions(privateFile, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: keep the file safe by other means.
            }
            Ed25519Keys.writePrivate(pair.getPrivate(), privateFile);
            Ed25519Keys.writePublic(pair.getPublic(), publicFile);
            System.out.println("private key: " + privateFile + " (keep it with central)");
            System.out.println("public key:  " + publicFile + " (give it to the lanes, under central.keys with id " + name + ")");
            return 0;
        }
    }

    @Command(name = "publish-list", description = "Signs and publishes a list: a snapshot (chunks, then the manifest) or, "
            + "with --delta-from, a delta.")
    static final class PublishList implements Callable<Integer> {
        @Mixin
        BrokerOptions broker;

        @Mixin
        SigningOptions signing;

        @Option(names = "--program", required = true, description = "e.g. NEXUS")
        String program;

        @Option(names = "--list-version", required = true, description = "the version this publishes")
        long version;

        @Option(names = "--file", required = true, description = "the cards (.csv or .jsonl, docs/lists.md); for a delta, the cards to add or change")
        Path file;

        @Option(names = "--delta-from", description = "publish a delta from this version (must be --list-version - 1)")
        Long deltaFrom;

        @Option(names = "--removes", description = "for a delta: a file of card numbers to remove, one per line")
        Path removes;

        @Option(names = "--issued", description = "issue time (ISO instant, default now)")
        Instant issued;

        @Option(names = "--expires", description = "expiry (ISO instant); default none (the lanes' maxListAge applies)")
        Instant expires;

        @Option(names = "--chunk-entries", defaultValue = "" + ListWire.ENTRIES_PER_CHUNK_DEFAULT, description = "cards per chunk (default: ${DEFAULT-VALUE})")
        int chunkEntries;

        @Override
        public Integer call() throws Exception {
            long issuedMs = issued == null ? System.currentTimeMillis() : issued.toEpochMilli();
            long expiresMs = expires == null ? ListInfo.NO_EXPIRY : expires.toEpochMilli();
            if (expires != null && expiresMs <= issuedMs) {
                // Every lane would refuse it (LIST_STALE for every member): never what an operator meant.
                System.err.println("--expires " + expires + " is not after the list's issue time " + Instant.ofEpochMilli(issuedMs)
                        + ": every lane would take it as stale");
                return 2;
            }
            if (deltaFrom != null && deltaFrom != version - 1) {
                System.err.println("--delta-from must be --list-version - 1: a delta goes from one version to the next");
                return 2;
            }
            PrivateKey signer = signing.privateKey();
            ListFileReader.Format format = ListFileReader.formatOf(file.getFileName().toString());
            long count;
            try {
                count = read(format, record -> { }); // the whole file is checked before anything is published
            } catch (ListFormatException e) {
                System.err.println(file + ": " + e.getMessage() + "; nothing was published");
                return 2;
            }
            Topics topics = new Topics(broker.topicRoot);
            MqttClient client = broker.connect(null);
            try {
                ListPublisher.Retained out = (topic, payload) -> {
                    BrokerOptions.awaitConnected(client);
                    client.publish(topic, payload, 1, true);
                };
                if (deltaFrom != null) {
                    List<CardRecord> upserts = new ArrayList<>();
                    read(format, upserts::add);
                    List<String> removed = removes == null ? List.of() : readRemoves(removes);
                    ListPublisher.delta(out, topics, program, deltaFrom, issuedMs, expiresMs, upserts, removed, signing.keyId, signer);
                    System.out.printf("published delta %s v%d -> v%d: %d added or changed, %d removed%n", program, deltaFrom, version,
                            upserts.size(), removed.size());
                } else {
                    int previous = previousChunkCount(client, topics.listManifest(program));
                    ListPublisher.Snapshot snapshot = new ListPublisher.Snapshot(out, topics, program, version, chunkEntries);
                    read(format, record -> {
                        try {
                            snapshot.add(record);
                        } catch (Exception e) {
                            throw new IllegalStateException("publish failed: " + e.getMessage(), e);
                        }
                    });
                    ListPublisher.Published published = snapshot.finish(issuedMs, expiresMs, previous, signing.keyId, signer);
                    System.out.printf("published snapshot %s v%d: %d cards in %d chunks, list digest %s%n", program, version,
                            published.entries(), published.chunks(), published.listDigest());
                }
            } finally {
                BrokerOptions.closeQuietly(client);
            }
            return count >= 0 ? 0 : 1;
        }

        private long read(ListFileReader.Format format, java.util.function.Consumer<CardRecord> sink) throws IOException {
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                return ListFileReader.read(in, format, sink);
            }
        }

        private static List<String> readRemoves(Path file) throws IOException {
            List<String> cards = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    cards.add(TagRead.normaliseHex(line.strip(), TagRead.EPC_HEX_LENGTH_MAX, "epc"));
                }
            }
            return cards;
        }

        /** How many chunks the retained manifest names now (0 when none): those beyond the new count are cleared. */
        private static int previousChunkCount(MqttClient client, String manifestTopic) throws MqttException, InterruptedException {
            BlockingQueue<byte[]> manifest = new ArrayBlockingQueue<>(1);
            client.subscribe(manifestTopic, 1, (topic, message) -> manifest.offer(message.getPayload()));
            byte[] payload = manifest.poll(2, TimeUnit.SECONDS);
            client.unsubscribe(manifestTopic);
            if (payload == null || payload.length == 0) {
                return 0;
            }
            try {
                JsonNode inner = JSON.readTree(Base64.getDecoder().decode(JSON.readTree(payload).path("payload").asText()));
                return inner.path("chunkDigests").size();
            } catch (IOException | IllegalArgumentException e) {
                return 0;
            }
        }
    }

    @Command(name = "send-command", description = "Signs and sends a command to one lane and prints its reply.")
    static final class SendCommand implements Callable<Integer> {
        @Mixin
        BrokerOptions broker;

        @Mixin
        SigningOptions signing;

        @Option(names = "--site", required = true)
        String site;

        @Option(names = "--lane", required = true)
        String lane;

        @Option(names = "--type", required = true, description = "SET_MODE, RELEASE, CONFIRM, FAULT_RESET, REPLAY, LIST_RESYNC")
        String type;

        @Option(names = "--mode", description = "SET_MODE: AUTOMATED, MANUAL, CLOSED, MAINTENANCE")
        String mode;

        @Option(names = "--from-seq", description = "REPLAY: first event")
        Long fromSeq;

        @Option(names = "--to-seq", description = "REPLAY: last event")
        Long toSeq;

        @Option(names = "--program", description = "LIST_RESYNC: the program")
        String program;

        @Option(names = "--actor", required = true, description = "who sends it (an officer's or technician's id), for the record")
        String actor;

        @Option(names = "--wait", defaultValue = "10", description = "seconds to wait for the reply (default: ${DEFAULT-VALUE})")
        int waitSeconds;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> args = new LinkedHashMap<>();
            if (mode != null) {
                args.put("mode", mode);
            }
            if (fromSeq != null) {
                args.put("fromSeq", fromSeq);
            }
            if (toSeq != null) {
                args.put("toSeq", toSeq);
            }
            if (program != null) {
                args.put("program", program);
            }
            String commandId = UUID.randomUUID().toString();
            byte[] command = CommandWire.sealed(commandId, site, lane, type, Instant.now(), actor, args, signing.keyId, signing.privateKey());
            Topics topics = Topics.lane(broker.topicRoot, site, lane);
            MqttClient client = broker.connect(null);
            try {
                BlockingQueue<JsonNode> replies = new ArrayBlockingQueue<>(16);
                BrokerOptions.awaitConnected(client);
                client.subscribe(topics.replies(), 1, (topic, message) -> {
                    JsonNode reply = JSON.readTree(message.getPayload());
                    if (commandId.equals(reply.path("commandId").asText())) {
                        replies.offer(reply);
                    }
                });
                BrokerOptions.awaitConnected(client);
                client.publish(topics.commands(), command, 1, false);
                System.out.println("sent " + type + " " + commandId + " to " + site + "/" + lane);
                JsonNode reply = replies.poll(waitSeconds, TimeUnit.SECONDS);
                if (reply == null) {
                    System.err.println("no reply within " + waitSeconds + " s (is the lane online? see its status topic)");
                    return 1;
                }
                System.out.println(reply.get("result").asText() + " " + reply.get("code").asText() + ": " + reply.get("why").asText());
                return reply.get("result").asText().equals("rejected") ? 1 : 0;
            } finally {
                BrokerOptions.closeQuietly(client);
            }
        }
    }

    @Command(name = "tail", description = "Follows a lane's events (or every lane's): deduped by event id, gaps reported.")
    static final class Tail implements Callable<Integer> {
        @Mixin
        BrokerOptions broker;

        @Option(names = "--site", defaultValue = "+", description = "a site, or + for all (default)")
        String site;

        @Option(names = "--lane", defaultValue = "+", description = "a lane, or + for all (default)")
        String lane;

        @Option(names = "--session", description = "a persistent session name: the broker keeps events while the tail is stopped")
        String session;

        @Option(names = "--share", paramLabel = "GROUP", description = "take a share of the events with the other members of this "
                + "shared-subscription group ($share/GROUP/...): each event goes to one member; gaps are not reported (the group's "
                + "store sees them, not one member)")
        String share;

        @Option(names = "--json", description = "print each event as it came (JSON lines)")
        boolean json;

        @Option(names = "--for", paramLabel = "SECONDS", description = "stop after this long (default: until Ctrl-C)")
        Long forSeconds;

        @Override
        public Integer call() throws Exception {
            if (share != null && !share.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
                System.err.println("--share must be letters, digits, '.', '_', '-' (a shared-subscription group name)");
                return 2;
            }
            EventTail tail = new EventTail(System.out, json, share != null);
            String prefix = broker.topicRoot + "/" + site + "/" + lane + "/";
            String[] topics = share == null ? new String[] {prefix + "events", prefix + "status"}
                    : new String[] {"$share/" + share + "/" + prefix + "events"};
            long deadlineNanos = forSeconds == null ? Long.MAX_VALUE : System.nanoTime() + forSeconds * 1_000_000_000L;
            BlockingQueue<Throwable> lost = new LinkedBlockingQueue<>();
            MqttClient client = follow(tail, topics, lost);
            System.err.println("following " + String.join(" and ", topics) + (session == null ? "" : " (session " + session + ")"));
            try {
                for (Throwable cause = lost.poll(remainingMs(deadlineNanos), TimeUnit.MILLISECONDS); cause != null;
                        cause = lost.poll(remainingMs(deadlineNanos), TimeUnit.MILLISECONDS)) {
                    System.err.println("connection lost (reconnecting): " + cause);
                    BrokerOptions.closeForcibly(client);
                    client = reconnect(tail, topics, lost, deadlineNanos);
                    if (client == null) {
                        break;
                    }
                    System.err.println("reconnected to " + broker.broker + ", following again");
                }
            } finally {
                if (client != null) {
                    BrokerOptions.closeQuietly(client);
                }
            }
            System.out.println(tail.summary());
            return 0;
        }

        /**
         * A new client each time, not Paho's own reconnect: with Paho 1.2.5 that was seen to hang
         * for good after a broker restart (its new connection's sender never started, the CONNECT
         * never sent), about one restart in three. Subscribing again is needed after a clean
         * session and harmless after a persistent one.
         */
        private MqttClient follow(EventTail tail, String[] topics, BlockingQueue<Throwable> lost) throws Exception {
            MqttClient client = broker.connect(session, false);
            client.setCallback(new TailCallback(tail, lost));
            int[] qos = new int[topics.length];
            Arrays.fill(qos, 1);
            try {
                client.subscribe(topics, qos);
            } catch (MqttException e) {
                BrokerOptions.closeForcibly(client);
                throw e;
            }
            return client;
        }

        /** Tries again and again (1 s, 2 s, … at most 10 s apart) until connected, or null once the time is up. */
        private MqttClient reconnect(EventTail tail, String[] topics, BlockingQueue<Throwable> lost, long deadlineNanos)
                throws InterruptedException {
            long delayMs = 1_000;
            while (remainingMs(deadlineNanos) > 0) {
                Thread.sleep(Math.min(delayMs, remainingMs(deadlineNanos)));
                try {
                    return follow(tail, topics, lost);
                } catch (Exception e) {
                    System.err.println("reconnecting to " + broker.broker + ": " + e.getMessage());
                    delayMs = Math.min(delayMs * 2, BrokerOptions.RECONNECT_WAIT_MS);
                }
            }
            return null;
        }

        private static long remainingMs(long deadlineNanos) {
            return deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
        }
    }

    /** Hands every message to the tail, and a lost connection to the tail's loop. */
    private record TailCallback(EventTail tail, BlockingQueue<Throwable> lost)
            implements MqttCallback {
        @Override
        public void connectionLost(Throwable cause) {
            lost.add(cause);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            tail.accept(topic, message.getPayload());
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // The tail publishes nothing.
        }
    }

}
