-- Issue 9: what a build carries beyond platforms × arches × refs (mock options, flavors, the
-- product it builds for, parallel mode), per-ref options, and platform flavors as desired state.

-- Platform flavors (git kind `flavors/*.yml`): mock/modularity data merged into a task's
-- `platform.data` when a build names the flavor, plus extra repositories.
CREATE TABLE platform_flavors (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    modularity  JSONB,
    data        JSONB NOT NULL DEFAULT '{}',
    origin      TEXT NOT NULL DEFAULT 'git' CHECK (origin IN ('git', 'api')),
    commit_sha  TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE platform_flavor_repositories (
    flavor_id      BIGINT NOT NULL REFERENCES platform_flavors(id) ON DELETE CASCADE,
    repository_id  BIGINT NOT NULL REFERENCES repositories(id) ON DELETE RESTRICT,
    PRIMARY KEY (flavor_id, repository_id)
);
CREATE INDEX platform_flavor_repositories_repo ON platform_flavor_repositories (repository_id);

-- The build's own mock options (merged over the platform's data for every task), the product
-- it is built for, and ALBS's parallel mode flag.
ALTER TABLE builds
    ADD COLUMN mock_options JSONB NOT NULL DEFAULT '{}',
    ADD COLUMN product_id BIGINT,
    ADD COLUMN parallel_mode_enabled BOOLEAN NOT NULL DEFAULT FALSE;

-- The flavors a build names, in the order it names them (merged in that order).
CREATE TABLE build_platform_flavors (
    build_id   BIGINT NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
    flavor_id  BIGINT NOT NULL REFERENCES platform_flavors(id) ON DELETE RESTRICT,
    position   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (build_id, flavor_id)
);
CREATE INDEX build_platform_flavors_flavor ON build_platform_flavors (flavor_id);

-- Per-ref options of `POST /builds/` tasks[]: mock options and the test configuration.
ALTER TABLE build_task_refs
    ADD COLUMN mock_options JSONB,
    ADD COLUMN test_configuration JSONB;

-- Per task: the ref's mock options as the task was created with them, and the node's `stats`
-- from build_done (shown as `performance_stats`).
ALTER TABLE build_tasks
    ADD COLUMN mock_options JSONB,
    ADD COLUMN performance_stats JSONB;
