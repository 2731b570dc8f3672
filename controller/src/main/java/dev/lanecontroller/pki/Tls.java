package dev.lanecontroller.pki;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Mutual TLS from PEM files, as technicians get them from a PKI: the CA that signed the broker,
 * this lane's certificate (chain) and its PKCS#8 private key (RSA, EC or Ed25519). The broker is
 * trusted only through that CA, never through the system's store.
 */
public final class Tls {
    private static final char[] IN_MEMORY_PASSWORD = "lane".toCharArray();

    private Tls() {}

    public static SSLSocketFactory socketFactory(Path caFile, Path certFile, Path keyFile) throws IOException {
        try {
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int n = 0;
            for (Certificate ca : certificates(x509, caFile)) {
                trust.setCertificateEntry("ca-" + n++, ca);
            }
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(x509, certFile, keyFile).getKeyManagers(), trustManagers.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS setup from " + caFile + ", " + certFile + ", " + keyFile + " failed: " + e.getMessage(), e);
        }
    }

    /** A server's TLS with the lane's certificate chain and key (the camera webhook over HTTPS); it asks no client certificate. */
    public static SSLContext serverContext(Path certFile, Path keyFile) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(CertificateFactory.getInstance("X.509"), certFile, keyFile).getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS setup from " + certFile + ", " + keyFile + " failed: " + e.getMessage(), e);
        }
    }

    private static KeyManagerFactory keyManagers(CertificateFactory x509, Path certFile, Path keyFile) throws IOException,
            GeneralSecurityException {
        Collection<? extends Certificate> chain = certificates(x509, certFile);
        PrivateKey key = privateKey(keyFile);
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        identity.setKeyEntry("lane", key, IN_MEMORY_PASSWORD, chain.toArray(Certificate[]::new));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(identity, IN_MEMORY_PASSWORD);
        return keyManagers;
    }

    private static Collection<? extends Certificate> certificates(CertificateFactory x509, Path file) throws IOException,
            GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates = x509.generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IOException(file + " holds no certificate (PEM, '-----BEGIN CERTIFICATE-----')");
            }
            return certificates;
        }
    }

    private static PrivateKey privateKey(Path file) throws IOException {
        byte[] der = Ed25519Keys.Pem.read(file, "PRIVATE KEY");
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // Try the next algorithm.
            }
        }
        throw new IOException(file + " is not a PKCS#8 RSA, EC or Ed25519 private key ('-----BEGIN PRIVATE KEY-----'; "
                + "convert a traditional key with: openssl pkcs8 -topk8 -nocrypt)");
    }
}
