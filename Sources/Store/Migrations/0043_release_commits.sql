-- Releases committed from git (issue 13). A release file says `state: planned | committed |
-- reverted` (desired_state); the reconciler computes a placement plan for it (placement: every
-- package of its builds -> production repositories, plus refusals), and commits or reverts it in
-- the artifact store. `status` (ReleaseStatus) is what actually happened: 1 scheduled,
-- 2 in progress (a commit or revert under way: `operation` says which; the next reconcile
-- finishes it from the journal), 3 completed (committed), 4 failed, 5 reverted.
ALTER TABLE releases
    ADD COLUMN desired_state    TEXT NOT NULL DEFAULT 'planned'
        CHECK (desired_state IN ('planned', 'committed', 'reverted')),
    ADD COLUMN operation        TEXT CHECK (operation IN ('commit', 'revert')),
    -- the latest placement plan the reconciler computed (JSON: operation, repositories with
    -- their packages, refusals, skipped), shown by GET /api/v1/releases/{id}/
    ADD COLUMN placement        JSONB,
    ADD COLUMN placement_at     TIMESTAMPTZ,
    ADD COLUMN committed_sha    TEXT,
    ADD COLUMN committed_author TEXT,
    ADD COLUMN committed_at     TIMESTAMPTZ,
    ADD COLUMN reverted_sha     TEXT,
    ADD COLUMN reverted_author  TEXT,
    ADD COLUMN reverted_at      TIMESTAMPTZ,
    ADD COLUMN error            TEXT;
CREATE INDEX releases_platform_status ON releases (platform_id, status, id);
CREATE INDEX releases_status ON releases (status, id);

-- The journal of a commit, written (with status 2) before the artifact store is touched: each
-- content unit the release adds to a production store repository, and whether that repository
-- already held it (a revert removes only what the release added).
CREATE TABLE release_units (
    release_id        BIGINT NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    store_repository  TEXT NOT NULL,
    content_href      TEXT NOT NULL,
    file_name         TEXT NOT NULL,
    nevra             TEXT NOT NULL,
    sha256            TEXT NOT NULL,
    build_id          BIGINT,
    artifact_id       BIGINT REFERENCES artifacts(id) ON DELETE SET NULL,
    already_present   BOOLEAN NOT NULL,
    PRIMARY KEY (release_id, store_repository, content_href)
);
CREATE INDEX release_units_artifact ON release_units (artifact_id);

-- A distribution's builds, declared in its file in git (`builds: [ids]`).
CREATE TABLE distribution_builds (
    distribution_id  BIGINT NOT NULL REFERENCES distributions(id) ON DELETE CASCADE,
    build_id         BIGINT NOT NULL,
    PRIMARY KEY (distribution_id, build_id)
);
CREATE INDEX distribution_builds_build ON distribution_builds (build_id);
