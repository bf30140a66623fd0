package org.ehrflow.cdc.capture;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The JDBC driver the MySQL connector is given for a MariaDB source ({@code database.jdbc.driver}): MySQL
 * Connector/J underneath, with one statement translated. Debezium 3.6's MySQL connector reads the binlog position
 * with {@code SHOW BINARY LOG STATUS} when {@code SELECT VERSION()} says 8.4 or later, and MariaDB 10.11 says
 * "10.11", yet knows only {@code SHOW MASTER STATUS} (same first four columns). Nothing else differs on this
 * path (tested: MariaDbCaptureIT). The URL prefix is {@link #PROTOCOL} ({@code database.protocol}).
 */
public final class MariaDbCompatDriver implements Driver {

    public static final String PROTOCOL = "jdbc:ehrflow-mariadb";
    private static final String DELEGATE_PROTOCOL = "jdbc:mysql";
    private static final Map<String, String> REWRITES = Map.of("SHOW BINARY LOG STATUS", "SHOW MASTER STATUS");

    static {
        try {
            DriverManager.registerDriver(new MariaDbCompatDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Driver delegate;

    public MariaDbCompatDriver() throws SQLException {
        this.delegate = new com.mysql.cj.jdbc.Driver();
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null; // DriverManager asks every driver; not ours
        }
        Connection c = delegate.connect(DELEGATE_PROTOCOL + url.substring(PROTOCOL.length()), info);
        return c == null ? null : wrap(c, Connection.class);
    }

    /** The statement MariaDB understands for {@code sql}, or {@code sql} itself. */
    public static String translate(String sql) {
        return REWRITES.getOrDefault(sql.strip().toUpperCase(Locale.ROOT), sql);
    }

    @SuppressWarnings("unchecked")
    private static <T> T wrap(T target, Class<T> type) {
        InvocationHandler h = (proxy, method, args) -> {
            Object[] a = args;
            if (a != null && a.length > 0 && a[0] instanceof String sql && takesSql(method)) {
                a = a.clone();
                a[0] = translate(sql);
            }
            try {
                Object result = method.invoke(target, a);
                // statements made by the connection translate too
                if (result instanceof Statement s && method.getReturnType() == Statement.class) {
                    return wrap(s, Statement.class);
                }
                return result;
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (T) Proxy.newProxyInstance(MariaDbCompatDriver.class.getClassLoader(), new Class<?>[] {type}, h);
    }

    private static boolean takesSql(Method m) {
        String n = m.getName();
        return n.startsWith("execute") || n.equals("addBatch") || n.equals("prepareStatement")
                || n.equals("prepareCall") || n.equals("nativeSQL");
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PROTOCOL + ":");
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        return delegate.getPropertyInfo(DELEGATE_PROTOCOL + url.substring(PROTOCOL.length()), info);
    }

    @Override
    public int getMajorVersion() {
        return delegate.getMajorVersion();
    }

    @Override
    public int getMinorVersion() {
        return delegate.getMinorVersion();
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }
}
