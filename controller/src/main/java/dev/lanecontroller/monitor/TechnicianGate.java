package dev.lanecontroller.monitor;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * HTTP Basic over the technician credential, for the monitor (and /metrics) on a bind other than
 * loopback. An accepted login is remembered (a SHA-256 of its header, for {@link #REMEMBER_MS}),
 * checked without a lock, so the page's stream, which reconnects every few seconds, never waits
 * for PBKDF2. Guessing is limited per client address: {@link #GUESSES_BURST} wrong logins at once,
 * then one per {@link #GUESS_EVERY_MS}; beyond that every attempt from that address is refused
 * with 429, unchecked. One address guessing does not lock the technician out from another, and
 * PBKDF2 runs one at a time, so guesses from many addresses cost the lane's CPU one core at most
 * for a moment each.
 */
public final class TechnicianGate extends Authenticator {
    public static final String USER = "technician";
    static final int GUESSES_BURST = 5;
    static final long GUESS_EVERY_MS = 12_000;
    static final long REMEMBER_MS = 12 * 3_600_000L;
    /** Addresses whose guesses are tracked; the least recently seen is forgotten beyond this. */
    static final int ADDRESSES_MAX = 1_024;
    private static final String REALM = "lane monitor";

    private final TechnicianCredential credential;
    private final LongSupplier clockMs;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong refusedWhileLimited = new AtomicLong();
    private final Object checking = new Object();
    private final Map<InetAddress, Bucket> buckets = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
            return size() > ADDRESSES_MAX;
        }
    };
    private volatile Remembered remembered;

    private record Remembered(byte[] headerDigest, long untilMs) {}

    /** Wrong guesses an address may still make: refilled one per {@link #GUESS_EVERY_MS}, up to {@link #GUESSES_BURST}. */
    private static final class Bucket {
        double guesses = GUESSES_BURST;
        long atMs;
    }

    public TechnicianGate(TechnicianCredential credential, LongSupplier clockMs) {
        this.credential = credential;
        this.clockMs = clockMs;
    }

    @Override
    public Result authenticate(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return challenge(exchange);
        }
        byte[] digest = sha256(header);
        long now = clockMs.getAsLong();
        Remembered known = remembered;
        if (known != null && now < known.untilMs() && MessageDigest.isEqual(known.headerDigest(), digest)) {
            return new Success(new HttpPrincipal(USER, REALM));
        }
        InetAddress address = exchange.getRemoteAddress().getAddress();
        long waitMs = waitBeforeGuessMs(address, now);
        if (waitMs > 0) {
            refusedWhileLimited.incrementAndGet();
            exchange.getResponseHeaders().set("Retry-After", Long.toString(Math.max(1, (waitMs + 999) / 1000)));
            return new Failure(429);
        }
        boolean accepted;
        synchronized (checking) {
            accepted = accepted(header);
        }
        if (accepted) {
            remembered = new Remembered(digest, now + REMEMBER_MS);
            return new Success(new HttpPrincipal(USER, REALM));
        }
        failures.incrementAndGet();
        spendGuess(address, now);
        return challenge(exchange);
    }

    /** 0 when {@code address} may guess now, else how long until it may. */
    private long waitBeforeGuessMs(InetAddress address, long now) {
        synchronized (buckets) {
            Bucket bucket = buckets.get(address);
            if (bucket == null) {
                return 0;
            }
            refill(bucket, now);
            return bucket.guesses >= 1 ? 0 : (long) Math.ceil((1 - bucket.guesses) * GUESS_EVERY_MS);
        }
    }

    private void spendGuess(InetAddress address, long now) {
        synchronized (buckets) {
            Bucket bucket = buckets.computeIfAbsent(address, a -> {
                Bucket fresh = new Bucket();
                fresh.atMs = now;
                return fresh;
            });
            refill(bucket, now);
            bucket.guesses = Math.max(0, bucket.guesses - 1);
        }
    }

    private static void refill(Bucket bucket, long now) {
        bucket.guesses = Math.min(GUESSES_BURST, bucket.guesses + (now - bucket.atMs) / (double) GUESS_EVERY_MS);
        bucket.atMs = now;
    }

    private boolean accepted(String header) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        return colon > 0 && decoded.substring(0, colon).equals(USER) && credential.matches(decoded.substring(colon + 1));
    }

    private static Result challenge(HttpExchange exchange) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
        return new Retry(401);
    }

    /** Logins refused for a wrong user or password. */
    public long failures() {
        return failures.get();
    }

    /** Attempts refused unchecked because their address had guessed wrong too often just before. */
    public long refusedWhileLimited() {
        return refusedWhileLimited.get();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java", e);
        }
    }
}
