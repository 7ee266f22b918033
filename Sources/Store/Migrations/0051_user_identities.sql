-- Login identities (issue 14): the account at a login provider (`github`, `almalinux`: any
-- OpenID Connect provider) a Kiln user logs in with. `subject` is the provider's stable id
-- (GitHub's numeric user id, the OIDC `sub`); `login` and `email` are what the provider said at
-- the last login.
CREATE TABLE user_identities (
    provider      TEXT        NOT NULL,
    subject       TEXT        NOT NULL,
    user_id       BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    login         TEXT        NOT NULL DEFAULT '',
    email         TEXT        NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_login_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, subject)
);
CREATE INDEX user_identities_user ON user_identities (user_id);
