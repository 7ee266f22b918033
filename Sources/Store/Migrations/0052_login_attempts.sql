-- Logins under way (issue 14): what `/auth/{provider}/authorize` handed out and the callback
-- must find again. Kept here, not in a cookie, so that any Kiln process may take the callback and
-- the PKCE verifier and nonce never leave the server. `state_hash` is the SHA-256 of the `state`
-- sent to the provider; the callback deletes the row (one use), expired rows are swept.
CREATE TABLE login_attempts (
    state_hash    TEXT        PRIMARY KEY,
    provider      TEXT        NOT NULL,
    code_verifier TEXT        NOT NULL DEFAULT '',
    nonce         TEXT        NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_attempts_expiry ON login_attempts (expires_at);
