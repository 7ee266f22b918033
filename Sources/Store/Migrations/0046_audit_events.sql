-- Who changed what: every change made through the API (actor_user_id) and every object a
-- reconcile apply wrote from git (commit_sha), written in the change's own transaction.
CREATE TABLE audit_events (
    id             BIGSERIAL PRIMARY KEY,
    object_kind    TEXT NOT NULL,
    object_id      TEXT NOT NULL,
    action         TEXT NOT NULL,
    actor_user_id  BIGINT REFERENCES users(id) ON DELETE SET NULL,
    commit_sha     TEXT,
    at             TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_object ON audit_events (object_kind, object_id, at DESC);
