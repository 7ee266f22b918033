-- Revoked bearer tokens (issue 14): a token id (`jti`) revoked before its expiry, by
-- `kiln token revoke` or `POST /api/v1/auth/logout`. Every Kiln process keeps the set in memory
-- (Server/Auth/RevocationSet): loaded at start, refreshed by `NOTIFY kiln_revocations,
-- 'token:<jti>'` (and `'user:<id>'` when a user is deactivated) and by a periodic full reload.
-- `expires_at` is the token's own expiry: past it the row no longer matters and is not loaded.
CREATE TABLE token_revocations (
    jti        TEXT        PRIMARY KEY,
    subject    TEXT        NOT NULL DEFAULT '',
    expires_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    reason     TEXT        NOT NULL DEFAULT ''
);
CREATE INDEX token_revocations_expiry ON token_revocations (expires_at);
