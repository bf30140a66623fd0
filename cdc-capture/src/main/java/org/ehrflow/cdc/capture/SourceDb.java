package org.ehrflow.cdc.capture;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.ehrflow.cdc.CdcConfig;

/** Plain JDBC connections to the captured database as the capture user, whichever engine it is. */
public final class SourceDb {

    private SourceDb() {
    }

    /** A new connection (pre-flight, catalog reads, slot sampling); the caller closes it. */
    public static Connection connect(CdcConfig c) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", c.dbUser());
        p.setProperty("password", c.dbPassword().value());
        if (c.engine() == CdcConfig.Engine.MARIADB) {
            p.setProperty("connectTimeout", "10000"); // milliseconds for the MySQL-protocol driver
        } else {
            p.setProperty("connectTimeout", "10"); // seconds for PgJDBC
        }
        return DriverManager.getConnection(c.jdbcUrl(), p);
    }
}
