-- Kiln schema, version 1: the whole ALBS model.
-- Rows that come from desired state (git) carry `origin` ('git' or 'api') and
-- `commit_sha`, the commit that last wrote them.

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    email         TEXT NOT NULL DEFAULT '',
    is_superuser  BOOLEAN NOT NULL DEFAULT FALSE,
    is_active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Repositories: platform repositories (BaseOS, AppStream, ...) and standalone ones.
CREATE TABLE repositories (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL,
    arch        TEXT NOT NULL,
    url         TEXT NOT NULL,
    type        TEXT NOT NULL,
    debug       BOOLEAN NOT NULL DEFAULT FALSE,
    production  BOOLEAN NOT NULL DEFAULT FALSE,
    pulp_href   TEXT,
    origin      TEXT NOT NULL DEFAULT 'git' CHECK (origin IN ('git', 'api', 'build')),
    commit_sha  TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (name, arch, debug)
);

CREATE TABLE platforms (
    id              BIGSERIAL PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    type            TEXT NOT NULL CHECK (type IN ('rpm', 'deb')),
    distr_type      TEXT NOT NULL,
    distr_version   TEXT NOT NULL,
    test_dist_name  TEXT NOT NULL,
    arch_list       JSONB NOT NULL DEFAULT '[]',
    data            JSONB NOT NULL DEFAULT '{}',
    origin          TEXT NOT NULL DEFAULT 'git' CHECK (origin IN ('git', 'api')),
    commit_sha      TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE platform_repositories (
    platform_id    BIGINT NOT NULL REFERENCES platforms(id) ON DELETE CASCADE,
    repository_id  BIGINT NOT NULL REFERENCES repositories(id) ON DELETE RESTRICT,
    PRIMARY KEY (platform_id, repository_id)
);
CREATE INDEX platform_repositories_repo ON platform_repositories (repository_id);

CREATE TABLE distributions (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    origin      TEXT NOT NULL DEFAULT 'git' CHECK (origin IN ('git', 'api')),
    commit_sha  TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE distribution_platforms (
    distribution_id  BIGINT NOT NULL REFERENCES distributions(id) ON DELETE CASCADE,
    platform_id      BIGINT NOT NULL REFERENCES platforms(id) ON DELETE RESTRICT,
    PRIMARY KEY (distribution_id, platform_id)
);

CREATE TABLE sign_keys (
    id           BIGSERIAL PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    description  TEXT NOT NULL DEFAULT '',
    keyid        TEXT NOT NULL UNIQUE,
    fingerprint  TEXT NOT NULL,
    public_url   TEXT NOT NULL DEFAULT '',
    inserted     TIMESTAMPTZ NOT NULL DEFAULT now(),
    origin       TEXT NOT NULL DEFAULT 'git' CHECK (origin IN ('git', 'api')),
    commit_sha   TEXT,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Builds ------------------------------------------------------------------------------

CREATE TABLE builds (
    id          BIGSERIAL PRIMARY KEY,
    created_by  BIGINT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at TIMESTAMPTZ,
    released    BOOLEAN NOT NULL DEFAULT FALSE,
    signed      BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE build_links (
    build_id         BIGINT NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
    linked_build_id  BIGINT NOT NULL REFERENCES builds(id) ON DELETE RESTRICT,
    PRIMARY KEY (build_id, linked_build_id)
);

-- A source reference to build: ref_type 1 git branch, 2 git tag, 3 srpm url, 4 git ref.
CREATE TABLE build_task_refs (
    id               BIGSERIAL PRIMARY KEY,
    url              TEXT NOT NULL,
    git_ref          TEXT,
    ref_type         SMALLINT NOT NULL DEFAULT 1,
    git_commit_hash  TEXT
);

-- Build task status: 0 idle, 1 started, 2 completed, 3 failed, 4 excluded, 5 cancelled.
CREATE TABLE build_tasks (
    id                BIGSERIAL PRIMARY KEY,
    build_id          BIGINT NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
    platform_id       BIGINT NOT NULL REFERENCES platforms(id) ON DELETE RESTRICT,
    ref_id            BIGINT NOT NULL REFERENCES build_task_refs(id),
    arch              TEXT NOT NULL,
    index             INTEGER NOT NULL,
    package_name      TEXT NOT NULL DEFAULT '',
    status            SMALLINT NOT NULL DEFAULT 0,
    -- unfinished dependencies; a task is claimable when status = 0 and this is 0
    pending_deps      INTEGER NOT NULL DEFAULT 0,
    ts                TIMESTAMPTZ,          -- ALBS lease timestamp (last claim or ping)
    node              TEXT,                 -- node holding the task
    attempts          INTEGER NOT NULL DEFAULT 0,
    error             TEXT,
    is_secure_boot    BOOLEAN NOT NULL DEFAULT FALSE,
    built_srpm_url    TEXT,
    srpm_hash         TEXT,
    alma_commit_cas_hash TEXT,
    is_cas_authenticated BOOLEAN NOT NULL DEFAULT FALSE,
    started_at        TIMESTAMPTZ,
    finished_at       TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX build_tasks_build ON build_tasks (build_id);
-- The hot claim query: next idle, ready task of one arch.
CREATE INDEX build_tasks_claimable ON build_tasks (arch, id) WHERE status = 0 AND pending_deps = 0;
-- Lease sweeps: started tasks by lease age.
CREATE INDEX build_tasks_started_ts ON build_tasks (ts) WHERE status = 1;

CREATE TABLE build_task_dependencies (
    task_id        BIGINT NOT NULL REFERENCES build_tasks(id) ON DELETE CASCADE,
    depends_on_id  BIGINT NOT NULL REFERENCES build_tasks(id) ON DELETE CASCADE,
    PRIMARY KEY (task_id, depends_on_id)
);
CREATE INDEX build_task_dependencies_dep ON build_task_dependencies (depends_on_id);

-- Per-build artifact-store repositories: kind rpm | debug | src | log, per arch.
CREATE TABLE build_repositories (
    id          BIGSERIAL PRIMARY KEY,
    build_id    BIGINT NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
    arch        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('rpm', 'debug', 'src', 'log')),
    name        TEXT NOT NULL UNIQUE,
    url         TEXT NOT NULL,
    pulp_href   TEXT,
    UNIQUE (build_id, arch, kind)
);

CREATE TABLE artifacts (
    id             BIGSERIAL PRIMARY KEY,
    build_task_id  BIGINT NOT NULL REFERENCES build_tasks(id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    type           TEXT NOT NULL CHECK (type IN ('rpm', 'build_log')),
    href           TEXT NOT NULL,
    sha256         TEXT,
    path           TEXT,
    cas_hash       TEXT,
    arch           TEXT,
    signed         BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX artifacts_task ON artifacts (build_task_id);

-- Test task status: 1 created, 2 started, 3 completed, 4 failed.
CREATE TABLE test_tasks (
    id               BIGSERIAL PRIMARY KEY,
    build_task_id    BIGINT NOT NULL REFERENCES build_tasks(id) ON DELETE CASCADE,
    package_name     TEXT NOT NULL,
    package_version  TEXT NOT NULL DEFAULT '',
    package_release  TEXT,
    env_arch         TEXT NOT NULL DEFAULT '',
    status           SMALLINT NOT NULL DEFAULT 1,
    revision         INTEGER NOT NULL DEFAULT 1,
    alts_response    JSONB,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at      TIMESTAMPTZ
);
CREATE INDEX test_tasks_build_task ON test_tasks (build_task_id, revision);

-- Sign task status: 1 idle, 2 in progress, 3 completed, 4 failed.
CREATE TABLE sign_tasks (
    id             BIGSERIAL PRIMARY KEY,
    build_id       BIGINT NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
    sign_key_id    BIGINT NOT NULL REFERENCES sign_keys(id) ON DELETE RESTRICT,
    status         SMALLINT NOT NULL DEFAULT 1,
    error_message  TEXT,
    log_href       TEXT,
    ts             TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX sign_tasks_idle ON sign_tasks (sign_key_id, id) WHERE status = 1;

-- Releases: from git (release plans, name set) or from the API.
-- Status: 1 scheduled, 2 in progress, 3 completed, 4 failed.
CREATE TABLE releases (
    id                     BIGSERIAL PRIMARY KEY,
    name                   TEXT UNIQUE,
    status                 SMALLINT NOT NULL DEFAULT 1,
    platform_id            BIGINT NOT NULL REFERENCES platforms(id) ON DELETE RESTRICT,
    reference_platform_id  BIGINT REFERENCES platforms(id) ON DELETE RESTRICT,
    plan                   JSONB NOT NULL DEFAULT '{}',
    created_by             BIGINT REFERENCES users(id),
    origin                 TEXT NOT NULL DEFAULT 'api' CHECK (origin IN ('git', 'api')),
    commit_sha             TEXT,
    created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at             TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE release_builds (
    release_id  BIGINT NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    build_id    BIGINT NOT NULL REFERENCES builds(id) ON DELETE RESTRICT,
    PRIMARY KEY (release_id, build_id)
);
CREATE INDEX release_builds_build ON release_builds (build_id);

-- Reconcile runs: one row per run of the reconcile loop.
CREATE TABLE reconcile_runs (
    id           BIGSERIAL PRIMARY KEY,
    started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at  TIMESTAMPTZ,
    commit_sha   TEXT,
    trigger      TEXT NOT NULL,           -- timer | webhook | api | cli
    plan         JSONB,
    result       TEXT NOT NULL DEFAULT 'running', -- running | applied | no_changes | failed | skipped
    errors       JSONB NOT NULL DEFAULT '[]',
    duration_ms  INTEGER
);
CREATE INDEX reconcile_runs_started ON reconcile_runs (started_at DESC);
