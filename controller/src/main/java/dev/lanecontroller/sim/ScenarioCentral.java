package dev.lanecontroller.sim;

import dev.lanecontroller.contract.CommandWire;
import dev.lanecontroller.link.CommandHandler;
import dev.lanecontroller.shell.LaneObserver;
import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.EventDraft;
import dev.lanecontroller.store.Journal;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.NonceStore;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Central's side of a scenario (docs/scenarios.md, signed commands): its signing keys, derived from
 * their names and the scenario's seed so the same scenario signs the same bytes, and the lane's own
 * command handler ({@link CommandHandler}: signature, addressee, age, replay, shape) in front of the
 * simulated lane, its nonces in a throw-away database. Replies print as JSON lines.
 */
final class ScenarioCentral implements AutoCloseable {
    static final String SITE = "site-sim";
    private final Map<String, KeyPair> keys = new LinkedHashMap<>();
    private final Path nonceFile;
    private final NonceStore nonces;
    private final CommandHandler handler;

    /** {@code trusted}: the key ids the lane knows; {@code strangers}: keys that sign but the lane does not know. */
    ScenarioCentral(Simulation sim, String laneId, List<String> trusted, List<String> strangers, long maxAgeMs, long seed, Journal journal,
                    LaneObserver observer, PrintStream out) {
        Map<String, PublicKey> lanesKeys = new LinkedHashMap<>();
        for (String id : trusted) {
            keys.put(id, keyPair(id, seed));
            lanesKeys.put(id, keys.get(id).getPublic());
        }
        for (String id : strangers) {
            keys.put(id, keyPair(id, seed));
        }
        try {
            nonceFile = Files.createTempFile("scenario-nonces", ".db");
        } catch (IOException e) {
            throw new UncheckedIOException("no temporary file for the scenario's command nonces", e);
        }
        nonces = new NonceStore(Database.open(nonceFile));
        handler = new CommandHandler(new CommandHandler.Wiring(SITE, laneId, lanesKeys, maxAgeMs, nonces,
                event -> {
                    // The link's own events go to the lane's journal, as the daemon's recorder does.
                    JournalEntry entry = journal.append(List.of(EventDraft.of(event, sim.now()))).get(0);
                    observer.onEvent(entry);
                    return entry;
                },
                input -> {
                    sim.enqueue(input);
                    return true;
                }, null, program -> { }, payload -> {
                    out.println("{\"t\":" + sim.elapsedMs() + ",\"kind\":\"reply\",\"reply\":" + new String(payload, StandardCharsets.UTF_8)
                            + "}");
                    return true;
                }, () -> sim.now().wallMs()));
    }

    /** The same key for the same name and seed: a scenario replays byte for byte. */
    private static KeyPair keyPair(String id, long seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed((id + "/" + seed).getBytes(StandardCharsets.UTF_8));
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(255, random);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Ed25519 and SHA1PRNG are part of every Java 17", e);
        }
    }

    /** Signs a command as central would, {@code issuedAgoMs} before the lane's clock now, and hands it to the lane's handler. */
    void send(Simulation sim, SignedCommand command, String laneId) {
        KeyPair key = keys.get(command.keyId());
        Map<String, Object> args = command.mode() == null ? Map.of() : Map.of("mode", command.mode());
        byte[] sealed = CommandWire.sealed(command.commandId(), SITE, command.lane() == null ? laneId : command.lane(), command.type(),
                Instant.ofEpochMilli(sim.now().wallMs() - command.issuedAgoMs()), command.actor(), args, command.keyId(), key.getPrivate());
        if (command.tampered()) {
            // One byte of the signed payload changed after signing: the signature no longer holds.
            String text = new String(sealed, StandardCharsets.UTF_8);
            sealed = text.replaceFirst("\"payload\":\"(.)", "\"payload\":\"" + (text.contains("\"payload\":\"e") ? "f" : "e"))
                    .getBytes(StandardCharsets.UTF_8);
        }
        handler.handle(sealed);
    }

    /** The lane's events, for the handler to answer the commands that waited on them. */
    void onLaneEvent(JournalEntry entry) {
        handler.onLaneEvent(entry);
    }

    @Override
    public void close() {
        nonces.close();
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            try {
                Files.deleteIfExists(Path.of(nonceFile + suffix));
            } catch (IOException e) {
                // A temporary file left behind is the OS's to clean; the run's outcome stands.
            }
        }
    }

    /** A command step: who signs it, what, for whom, how old, and whether it is tampered with after signing. */
    record SignedCommand(String keyId, String commandId, String type, String mode, String actor, String lane, long issuedAgoMs,
                         boolean tampered) {}

}
