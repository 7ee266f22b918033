-- Distributions carry builds (issue 13 item 5): a distribution's file lists its builds; the
-- reconciler adds each listed build's packages to the distribution's own store repositories (one
-- per platform and arch, debug and src apart) and removes those of builds no longer listed. This
-- is the journal of what each build added, written before the store is touched, and whether the
-- repository held each unit before (a removal takes out only what the build added).
CREATE TABLE distribution_units (
    distribution      TEXT NOT NULL,
    build_id          BIGINT NOT NULL,
    store_repository  TEXT NOT NULL,
    content_href      TEXT NOT NULL,
    file_name         TEXT NOT NULL,
    nevra             TEXT NOT NULL,
    sha256            TEXT NOT NULL,
    already_present   BOOLEAN NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (distribution, build_id, store_repository, content_href)
);
CREATE INDEX distribution_units_build ON distribution_units (build_id);
