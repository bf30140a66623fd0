package org.ehrflow.chaos;

/** Something the monkey may kill with SIGKILL and start again: a stage, the broker, PostgreSQL. */
interface Victim {

    String name();

    /** Kills it the hard way (SIGKILL: no clean shutdown of any kind). */
    void kill();

    /** Starts it again with the same configuration and data. */
    void restart();

    /** Whether it serves again (a stage's /ready, the broker's metadata, a PostgreSQL connection). */
    boolean ready();
}
