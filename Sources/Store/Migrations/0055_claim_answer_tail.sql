-- The per-build half of the get_task answer, also as pre-rendered JSON text: the members
-- "platform" (with the merged data), "created_by", "repositories" and "linked_builds", each
-- preceded by a comma. A claim whose task adds nothing of its own to the platform data (no
-- per-ref mock options, not Secure Boot: the common case) splices this text into its answer
-- instead of re-serialising the JSONB and calling kiln_task_platform_data on every claim.
-- Rows cached before this migration have no tail: the next claim of their build refills them.
ALTER TABLE build_claim_answers ADD COLUMN tail TEXT;

-- The tail names the build's creator: a change of a user's name or email makes every cached
-- answer stale, as a change of a platform does.
CREATE TRIGGER users_claim_generation AFTER UPDATE OF username, email ON users
    FOR EACH STATEMENT EXECUTE FUNCTION kiln_bump_claim_generation();
