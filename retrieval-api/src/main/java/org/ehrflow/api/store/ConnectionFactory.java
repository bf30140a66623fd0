package org.ehrflow.api.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.ehrflow.runtime.Secret;

/** Opens connections of one database login. */
@FunctionalInterface
public interface ConnectionFactory {

    Connection open() throws SQLException;

    /** A factory for {@code user} at {@code jdbcUrl}; {@code applicationName} shows in pg_stat_activity. */
    static ConnectionFactory of(String jdbcUrl, String user, Secret password, String applicationName) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password.value());
        p.setProperty("ApplicationName", applicationName);
        p.setProperty("connectTimeout", "10");
        // the reader's transactions are short; a statement that runs away is cut server-side
        p.setProperty("options", "-c statement_timeout=30000");
        return () -> DriverManager.getConnection(jdbcUrl, p);
    }
}
