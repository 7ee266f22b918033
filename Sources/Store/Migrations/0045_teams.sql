-- Teams (git kind `teams/*.yml`): members by login, each with roles from a fixed set, and the
-- platforms and products (distributions) the team owns. Role checks of the API read these rows
-- (cached in memory by the server, reloaded after every reconcile apply).
CREATE TABLE teams (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    origin      TEXT NOT NULL DEFAULT 'git' CHECK (origin IN ('git', 'api')),
    commit_sha  TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One row per member and role. Users named in a team file that have no row yet are created
-- at apply (`users.created_by_team`), so they log in to the roles the file gives them.
CREATE TABLE team_members (
    team_id  BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id  BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role     TEXT NOT NULL CHECK (role IN ('manager', 'contributor', 'signer', 'releaser')),
    PRIMARY KEY (team_id, user_id, role)
);
CREATE INDEX team_members_user ON team_members (user_id);

-- Platforms and products a team owns, by name (the desired state checks they exist).
CREATE TABLE team_platforms (
    team_id        BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    platform_name  TEXT NOT NULL,
    PRIMARY KEY (team_id, platform_name)
);

CREATE TABLE team_products (
    team_id       BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    product_name  TEXT NOT NULL,
    PRIMARY KEY (team_id, product_name)
);

-- Users a team file created before they ever logged in (the login links to the row by username).
ALTER TABLE users ADD COLUMN created_by_team BOOLEAN NOT NULL DEFAULT FALSE;
