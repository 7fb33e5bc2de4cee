-- Stores the API keys machines authenticate with: only a SHA-256 hash of each key, with its roles, expiry,
-- revocation and last use.
CREATE TABLE api_key (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text        NOT NULL CHECK (name <> ''),
    key_hash     bytea       NOT NULL UNIQUE,
    key_prefix   text        NOT NULL,
    roles        text[]      NOT NULL CHECK (cardinality(roles) > 0
                                             AND roles <@ ARRAY['INGEST', 'ANALYST', 'ADMIN']),
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text        NOT NULL,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    revoked_by   text,
    last_used_at timestamptz
);

-- Names identify keys to people; two live keys may not share one.
CREATE UNIQUE INDEX api_key_live_name_idx ON api_key (name) WHERE revoked_at IS NULL;
