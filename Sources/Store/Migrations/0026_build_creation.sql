-- Issue 9 (build creation): what a node's `excluded_packages` is matched against, lowercased —
-- the ref URL, or for a `.src.rpm` ref the package name parsed from its file name (not the NVR).
ALTER TABLE build_tasks ADD COLUMN exclude_key TEXT NOT NULL DEFAULT '';
UPDATE build_tasks t SET exclude_key = lower(r.url) FROM build_task_refs r WHERE r.id = t.ref_id;
