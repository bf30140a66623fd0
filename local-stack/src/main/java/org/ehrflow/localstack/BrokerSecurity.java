package org.ehrflow.localstack;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.ehrflow.runtime.Secret;

/**
 * What a broker that requires authentication needs: a TLS key pair for its {@code SASL_SSL} listener, the truststore
 * clients verify it with, and SCRAM-SHA-512 users (an administrator, the only super user, and one principal per
 * stage, each limited by ACLs). {@link #generate} makes a throw-away set with the JDK's {@code keytool}: a
 * self-signed certificate for 127.0.0.1/localhost and random passwords.
 */
public record BrokerSecurity(Path keystore, Path truststore, Secret storePassword, String adminUser,
        Map<String, Secret> users) {

    public static final String MECHANISM = "SCRAM-SHA-512";

    public BrokerSecurity {
        users = Map.copyOf(users);
        if (!users.containsKey(adminUser)) {
            throw new IllegalArgumentException("the administrator must be one of the users");
        }
    }

    /** A key pair, truststore and random passwords in {@code dir} for the administrator and {@code principals}. */
    public static BrokerSecurity generate(Path dir, String adminUser, List<String> principals) {
        Secret store = random();
        Path keystore = dir.resolve("broker.p12");
        Path cert = dir.resolve("broker.crt");
        Path truststore = dir.resolve("truststore.p12");
        try {
            Files.createDirectories(dir);
            keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                    "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore",
                    keystore.toString(), "-storetype", "PKCS12", "-storepass", store.value());
            keytool("-exportcert", "-alias", "broker", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                    "-storepass", store.value(), "-file", cert.toString());
            keytool("-importcert", "-noprompt", "-alias", "broker", "-file", cert.toString(), "-keystore",
                    truststore.toString(), "-storetype", "PKCS12", "-storepass", store.value());
        } catch (IOException e) {
            throw new IllegalStateException("cannot create TLS material in " + dir, e);
        }
        Map<String, Secret> users = new LinkedHashMap<>();
        users.put(adminUser, random());
        principals.forEach(p -> users.put(p, random()));
        return new BrokerSecurity(keystore, truststore, store, adminUser, users);
    }

    /**
     * Writes the passwords beside the key material (owner-only files), so a broker in another process can
     * {@link #load} the same set.
     */
    public void save(Path dir) {
        Properties p = new Properties();
        p.setProperty("store.password", storePassword.value());
        p.setProperty("admin", adminUser);
        users.forEach((u, pw) -> p.setProperty("user." + u, pw.value()));
        Path file = dir.resolve("security.properties");
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "ehrflow broker security (generated, secret)");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file, e);
        }
    }

    /** The set {@link #save} wrote to {@code dir}. */
    public static BrokerSecurity load(Path dir) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve("security.properties"), StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read broker security from " + dir, e);
        }
        Map<String, Secret> users = new LinkedHashMap<>();
        p.stringPropertyNames().stream().filter(k -> k.startsWith("user.")).sorted()
                .forEach(k -> users.put(k.substring("user.".length()), new Secret(p.getProperty(k))));
        return new BrokerSecurity(dir.resolve("broker.p12"), dir.resolve("truststore.p12"),
                new Secret(p.getProperty("store.password")), p.getProperty("admin"), users);
    }

    /** Client settings (as Kafka properties) for {@code user}: SASL_SSL, SCRAM, the broker's truststore. */
    public Map<String, String> clientProperties(String user) {
        Secret password = users.get(user);
        if (password == null) {
            throw new IllegalArgumentException("no such user: " + user);
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", MECHANISM);
        p.put("sasl.jaas.config", jaas(user, password));
        p.put("ssl.truststore.location", truststore.toString());
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.password", storePassword.value());
        return p;
    }

    /** {@code kafka-storage format --add-scram} arguments: the users exist before the broker first starts. */
    List<String> scramArguments() {
        List<String> out = new ArrayList<>();
        users.forEach((u, pw) -> out.add(MECHANISM + "=[name=" + u + ",password=" + pw.value() + "]"));
        return out;
    }

    static String jaas(String user, Secret password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password.value() + "\";";
    }

    private static Secret random() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return new Secret(HexFormat.of().formatHex(b));
    }

    private static void keytool(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
