package dev.fallbackwatch.settings;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Reads and replaces the port list, versioned by the single row of {@code detection_port_list}. */
@Repository
class PortStore {

    private final JdbcTemplate jdbc;

    PortStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    Versioned<PortList> get() {
        return read("SELECT version FROM detection_port_list WHERE id = 1");
    }

    /** Locks the list until the transaction ends, so a version check and a replacement are atomic. */
    Versioned<PortList> getForUpdate() {
        return read("SELECT version FROM detection_port_list WHERE id = 1 FOR UPDATE");
    }

    void replace(PortList ports) {
        jdbc.update("DELETE FROM detection_port");
        jdbc.batchUpdate(
                "INSERT INTO detection_port (port) VALUES (?)",
                ports.ports(),
                ports.ports().size(),
                (ps, port) -> ps.setInt(1, port));
        jdbc.update("UPDATE detection_port_list SET version = version + 1, updated_at = now() WHERE id = 1");
    }

    private Versioned<PortList> read(String versionQuery) {
        Long version = jdbc.queryForObject(versionQuery, Long.class);
        List<Integer> ports = jdbc.queryForList("SELECT port FROM detection_port ORDER BY port", Integer.class);
        return new Versioned<>(new PortList(ports), version);
    }
}
