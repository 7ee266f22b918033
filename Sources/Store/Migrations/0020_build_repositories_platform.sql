-- Build repositories are per build, platform, arch and kind: a build of two platforms keeps
-- each platform's packages apart (noarch is copied to every arch of its own platform).
ALTER TABLE build_repositories ADD COLUMN platform_id BIGINT NOT NULL REFERENCES platforms(id) ON DELETE RESTRICT;
ALTER TABLE build_repositories DROP CONSTRAINT build_repositories_build_id_arch_kind_key;
ALTER TABLE build_repositories ADD CONSTRAINT build_repositories_build_platform_arch_kind_key
    UNIQUE (build_id, platform_id, arch, kind);
