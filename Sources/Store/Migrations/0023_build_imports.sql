-- A node's result, recorded by `build_done` in the transaction that answers it; a worker inside
-- `kiln serve` (BuildImportWorker) then puts the artifacts into the artifact store and finishes
-- the task. While a row is `pending` the task stays `started` (status 1) for clients and the
-- stale-task sweep leaves it alone: the job row is the task's lease during the import.
-- Jobs are claimed with FOR UPDATE SKIP LOCKED (due_at <= now()); a claim moves due_at forward
-- by the worker lease, so a job whose worker died is due again once that lease lapses, and a
-- failed attempt moves it forward by the back-off. claim_token fences a late worker: only the
-- current claim can complete the job. A `done` row stays so a repeated build_done is answered 200.
CREATE TABLE build_imports (
    task_id              BIGINT PRIMARY KEY REFERENCES build_tasks(id) ON DELETE CASCADE,
    node                 TEXT NOT NULL,
    outcome              TEXT NOT NULL CHECK (outcome IN ('done', 'failed', 'excluded')),
    git_commit_hash      TEXT,
    alma_commit_cas_hash TEXT,
    is_cas_authenticated BOOLEAN NOT NULL DEFAULT FALSE,
    -- the artifact list as the node sent it (validated)
    artifacts            JSONB NOT NULL,
    state                TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done')),
    attempts             INTEGER NOT NULL DEFAULT 0,
    due_at               TIMESTAMPTZ NOT NULL DEFAULT now(),
    claim_token          UUID,
    claimed_at           TIMESTAMPTZ,
    last_error           TEXT,
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at          TIMESTAMPTZ
);
CREATE INDEX build_imports_due ON build_imports (due_at) WHERE state = 'pending';
-- The node whose lapsed lease the sweep took back: its late build_done is still accepted
-- while the task is idle (no other node claimed it since).
ALTER TABLE build_tasks ADD COLUMN swept_node TEXT;
-- Set when build_done recorded the result (a build_imports row is pending or done): the sweep
-- skips a started task with it set, checked on the row itself so a concurrent record is seen.
ALTER TABLE build_tasks ADD COLUMN result_recorded_at TIMESTAMPTZ;
