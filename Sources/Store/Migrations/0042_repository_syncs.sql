-- Upstream repositories in sync (issue 12): a repository's `sync:` from git, and every sync of
-- its artifact-store repository from its upstream `url` (a Pulp remote).
-- All three are NULL when the file declares no `sync:` (the defaults apply: 6h, on_demand).
ALTER TABLE repositories
    ADD COLUMN sync_interval_seconds INTEGER,
    ADD COLUMN sync_policy           TEXT,
    ADD COLUMN sync_read_only        BOOLEAN;

-- One row per sync started by the reconciler. `store_repository` is the artifact-store name
-- (`AlmaLinux-9-BaseOS-x86_64`); status: running, completed, failed. Counts come from the new
-- repository version's content summary (all zero when the sync made no new version).
CREATE TABLE repository_syncs (
    id               BIGSERIAL PRIMARY KEY,
    store_repository TEXT        NOT NULL,
    remote_url       TEXT        NOT NULL,
    policy           TEXT        NOT NULL,
    reason           TEXT        NOT NULL,
    status           TEXT        NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    started_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at      TIMESTAMPTZ,
    added            INTEGER     NOT NULL DEFAULT 0,
    removed          INTEGER     NOT NULL DEFAULT 0,
    present          INTEGER     NOT NULL DEFAULT 0,
    new_version      BOOLEAN     NOT NULL DEFAULT FALSE,
    error            TEXT,
    commit_sha       TEXT
);
CREATE INDEX repository_syncs_latest ON repository_syncs (store_repository, started_at DESC, id DESC);
