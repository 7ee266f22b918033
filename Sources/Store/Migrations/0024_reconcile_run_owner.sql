-- The PostgreSQL session (backend pid) holding the reconcile lock when a run was started:
-- a process that holds the lock later knows every other `running` run with an owner is dead
-- (the lock dies with its session), without waiting out a grace period.
ALTER TABLE reconcile_runs ADD COLUMN owner_pid INTEGER;
