-- Lets exactly one replica run each scheduled detection tick and partition maintenance pass (ShedLock's table,
-- in the layout its JdbcTemplate provider expects; times are UTC, written with the database's clock).
CREATE TABLE shedlock (
    name       varchar(64)  NOT NULL PRIMARY KEY,
    lock_until timestamp    NOT NULL,
    locked_at  timestamp    NOT NULL,
    locked_by  varchar(255) NOT NULL
);
