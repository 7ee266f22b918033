-- The projects listing (issue 14): the repositories of the configured Gitea organizations
-- (`rpms`, `modules`) with their tags and branches, as `GET /api/v1/projects/alma` and
-- `/alma/modularity` serve them (ALBS keeps this in Redis, filled by a separate git_cacher).
-- `updated_at` is Gitea's: a repository whose value did not move keeps its tags and branches.
CREATE TABLE forge_projects (
    organization TEXT   NOT NULL,
    name         TEXT   NOT NULL,
    clone_url    TEXT   NOT NULL,
    tags         TEXT[] NOT NULL DEFAULT '{}',
    branches     TEXT[] NOT NULL DEFAULT '{}',
    updated_at   TEXT   NOT NULL DEFAULT '',
    PRIMARY KEY (organization, name)
);

-- One row per organization: when its listing was last read whole, and the lease of the process
-- reading it now (`claimed_until`; several Kiln processes refresh each organization once per TTL).
CREATE TABLE forge_project_refreshes (
    organization  TEXT        PRIMARY KEY,
    refreshed_at  TIMESTAMPTZ,
    claimed_until TIMESTAMPTZ,
    last_error    TEXT
);
