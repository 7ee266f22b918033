-- Testing (issue 11): test tasks for the ALBS test system (ALTS), pulled with
-- `GET /api/v1/tests/get_test_tasks/` (claimed with FOR UPDATE SKIP LOCKED, leased for
-- KILN_TEST_TIMEOUT), answered through `POST /api/v1/tests/{id}/result/`.
-- Status (TestTaskStatus): 1 created, 2 started, 3 completed, 4 failed, 5 cancelled.
-- One row per binary RPM of a completed arch task and revision; a restart adds a revision.
ALTER TABLE test_tasks
    ADD COLUMN package_epoch      TEXT,
    -- the ref's test_configuration when the build was created with one
    ADD COLUMN test_configuration JSONB,
    ADD COLUMN node_name          TEXT,
    ADD COLUMN attempts           INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN started_at         TIMESTAMPTZ,
    ADD COLUMN lease_until        TIMESTAMPTZ,
    -- ALTS's `stats` and the `logs` hrefs its result carried
    ADD COLUMN stats              JSONB,
    ADD COLUMN logs               JSONB NOT NULL DEFAULT '[]';
CREATE INDEX test_tasks_queue ON test_tasks (id) WHERE status = 1;
CREATE INDEX test_tasks_lease ON test_tasks (lease_until) WHERE status = 2;

-- A build created with `skip_tests` gets no test tasks.
ALTER TABLE builds ADD COLUMN skip_tests BOOLEAN NOT NULL DEFAULT FALSE;

-- Platform policy from git (platforms/*.yml): `skip_tests` (no test tasks for its builds) and
-- `release_requires_tests` (a release needs the builds' tests passed).
ALTER TABLE platforms
    ADD COLUMN skip_tests             BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN release_requires_tests BOOLEAN NOT NULL DEFAULT FALSE;
