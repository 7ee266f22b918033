-- Signing (issue 10): sign keys carry their public key and the platforms they may sign for
-- (desired state, from git); sign tasks are batches of a build's packages leased to one sign
-- node at a time; a node's report is verified by a queue in `kiln serve` before anything is
-- swapped into the build's repositories.

-- Sign keys --------------------------------------------------------------------------------
ALTER TABLE sign_keys
    -- the ASCII-armored OpenPGP public key (validated against keyid/fingerprint by `kiln validate`)
    ADD COLUMN public_key  TEXT NOT NULL DEFAULT '',
    -- ALBS fields: an inactive key gets no new sign tasks; `archived` is when it was retired
    ADD COLUMN active      BOOLEAN NOT NULL DEFAULT TRUE,
    ADD COLUMN archived    TIMESTAMPTZ,
    -- ALBS `add_files_signature`: the sign node also signs the files inside the packages
    ADD COLUMN sign_files  BOOLEAN NOT NULL DEFAULT FALSE;

-- The platforms a key may sign builds of (declared in the key's file in git).
CREATE TABLE sign_key_platforms (
    sign_key_id  BIGINT NOT NULL REFERENCES sign_keys(id) ON DELETE CASCADE,
    platform_id  BIGINT NOT NULL REFERENCES platforms(id) ON DELETE CASCADE,
    PRIMARY KEY (sign_key_id, platform_id)
);
CREATE INDEX sign_key_platforms_platform ON sign_key_platforms (platform_id);

-- Sign tasks -------------------------------------------------------------------------------
-- Status (SignTaskStatus): 1 idle, 2 in progress, 3 completed, 4 failed.
-- A claim sets node_name, bumps attempts and sets lease_until (now + KILN_SIGN_TIMEOUT); a
-- task whose lease lapsed without a recorded result is idle again (the sweep, or the next claim).
-- A `complete` is accepted only from the node holding the current claim.
ALTER TABLE sign_tasks
    ADD COLUMN created_by    BIGINT REFERENCES users(id),
    ADD COLUMN node_name     TEXT,
    ADD COLUMN attempts      INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN started_at    TIMESTAMPTZ,
    ADD COLUMN lease_until   TIMESTAMPTZ,
    ADD COLUMN finished_at   TIMESTAMPTZ,
    -- the node's `stats` of its last complete
    ADD COLUMN stats         JSONB,
    -- why verification refused: [{"id": artifact id, "name": file name, "reason": text}]
    ADD COLUMN failures      JSONB NOT NULL DEFAULT '[]';
DROP INDEX sign_tasks_idle;
CREATE INDEX sign_tasks_claim ON sign_tasks (sign_key_id, id) WHERE status IN (1, 2);
CREATE INDEX sign_tasks_build ON sign_tasks (build_id, id);
CREATE INDEX sign_tasks_lease ON sign_tasks (lease_until) WHERE status = 2;

-- The packages (RPM artifacts) of each sign task: a build is split into tasks of at most
-- KILN_SIGN_BATCH packages.
CREATE TABLE sign_task_packages (
    sign_task_id  BIGINT NOT NULL REFERENCES sign_tasks(id) ON DELETE CASCADE,
    artifact_id   BIGINT NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
    PRIMARY KEY (sign_task_id, artifact_id)
);
CREATE INDEX sign_task_packages_artifact ON sign_task_packages (artifact_id);

-- A node's report, recorded by `complete` in the transaction that answers it; a worker in
-- `kiln serve` (SignVerificationWorker) fetches each signed file from the artifact store,
-- verifies it (sha256, NEVRA, signature against the key's public key) and only then swaps the
-- signed packages in. While a row is pending the task stays in progress and its lease does not
-- lapse. Claimed with FOR UPDATE SKIP LOCKED (due_at <= now()), fenced by claim_token.
CREATE TABLE sign_task_results (
    sign_task_id   BIGINT PRIMARY KEY REFERENCES sign_tasks(id) ON DELETE CASCADE,
    node_name      TEXT NOT NULL,
    success        BOOLEAN NOT NULL,
    error_message  TEXT,
    -- the node's packages as sent (validated): [{id, name, arch, type, href, fingerprint, sha256, cas_hash}]
    packages       JSONB NOT NULL DEFAULT '[]',
    state          TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    due_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    claim_token    UUID,
    claimed_at     TIMESTAMPTZ,
    last_error     TEXT,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at    TIMESTAMPTZ
);
CREATE INDEX sign_task_results_due ON sign_task_results (due_at) WHERE state = 'pending';

-- Artifacts ------------------------------------------------------------------------------
-- A signed artifact's href/sha256 are the signed package's; the unsigned content is kept for
-- the record.
ALTER TABLE artifacts
    ADD COLUMN sign_key_id     BIGINT REFERENCES sign_keys(id) ON DELETE RESTRICT,
    ADD COLUMN unsigned_href   TEXT,
    ADD COLUMN unsigned_sha256 TEXT,
    ADD COLUMN signed_at       TIMESTAMPTZ;
