-- Unfinished tasks per build: "is the build done?" after every build_done, without
-- walking the build's finished tasks.
CREATE INDEX build_tasks_unfinished ON build_tasks (build_id) WHERE status IN (0, 1);
