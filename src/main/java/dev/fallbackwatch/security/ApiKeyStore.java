package dev.fallbackwatch.security;

import static dev.fallbackwatch.database.SqlTime.instant;

import dev.fallbackwatch.database.SqlTime;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/** Reads and writes {@code api_key}. */
@Repository
class ApiKeyStore {

    private static final String SELECT = """
            SELECT *,
                   CASE WHEN revoked_at IS NOT NULL THEN 'REVOKED'
                        WHEN expires_at IS NOT NULL AND expires_at <= now() THEN 'EXPIRED'
                        ELSE 'ACTIVE' END AS status
            FROM api_key""";

    private final NamedParameterJdbcTemplate jdbc;

    ApiKeyStore(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    long insert(String name, String key, Set<Role> roles, Instant expiresAt, String actor) {
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("name", name)
                .addValue("hash", ApiKeySecret.hash(key))
                .addValue("prefix", ApiKeySecret.displayPrefix(key))
                .addValue("roles", roles.stream().map(Enum::name).toArray(String[]::new))
                .addValue("expiresAt", SqlTime.utc(expiresAt))
                .addValue("actor", actor);
        return jdbc.queryForObject("""
                INSERT INTO api_key (name, key_hash, key_prefix, roles, expires_at, created_by)
                VALUES (:name, :hash, :prefix, :roles, :expiresAt, :actor)
                RETURNING id""", params, Long.class);
    }

    List<ApiKey> findAll() {
        return jdbc.query(SELECT + " ORDER BY id", ApiKeyStore::row);
    }

    Optional<ApiKey> find(long id) {
        return jdbc.query(SELECT + " WHERE id = :id", new MapSqlParameterSource("id", id), ApiKeyStore::row).stream()
                .findFirst();
    }

    /** The live key with this text: not revoked and not expired. */
    Optional<ApiKey> findActive(String key) {
        return jdbc
                .query(
                        SELECT + " WHERE key_hash = :hash AND revoked_at IS NULL"
                                + " AND (expires_at IS NULL OR expires_at > now())",
                        new MapSqlParameterSource("hash", ApiKeySecret.hash(key)),
                        ApiKeyStore::row)
                .stream()
                .findFirst();
    }

    Optional<ApiKey> findLiveByName(String name) {
        return jdbc
                .query(
                        SELECT + " WHERE name = :name AND revoked_at IS NULL",
                        new MapSqlParameterSource("name", name),
                        ApiKeyStore::row)
                .stream()
                .findFirst();
    }

    boolean anyActiveAdmin() {
        Boolean any = jdbc.queryForObject("""
                SELECT EXISTS (
                    SELECT 1 FROM api_key
                    WHERE 'ADMIN' = ANY (roles) AND revoked_at IS NULL
                      AND (expires_at IS NULL OR expires_at > now()))""", new MapSqlParameterSource(), Boolean.class);
        return Boolean.TRUE.equals(any);
    }

    boolean revoke(long id, String actor) {
        return jdbc.update(
                        "UPDATE api_key SET revoked_at = now(), revoked_by = :actor"
                                + " WHERE id = :id AND revoked_at IS NULL",
                        new MapSqlParameterSource("id", id).addValue("actor", actor))
                > 0;
    }

    /** Records a use; at most once a minute per key, so authentication does not write on every request. */
    void touch(long id) {
        jdbc.update(
                "UPDATE api_key SET last_used_at = now() WHERE id = :id"
                        + " AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')",
                new MapSqlParameterSource("id", id));
    }

    private static ApiKey row(ResultSet rs, int rowNum) throws SQLException {
        return new ApiKey(
                rs.getLong("id"),
                rs.getString("name"),
                roles(rs.getArray("roles")),
                rs.getString("key_prefix"),
                rs.getString("status"),
                instant(rs, "created_at"),
                rs.getString("created_by"),
                instant(rs, "expires_at"),
                instant(rs, "revoked_at"),
                rs.getString("revoked_by"),
                instant(rs, "last_used_at"));
    }

    private static Set<Role> roles(Array array) throws SQLException {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Arrays.stream((String[]) array.getArray()).map(Role::valueOf).forEach(roles::add);
        return roles;
    }
}
