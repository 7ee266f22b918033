-- Issue 9 (flavors): what get_task sends in platform.data, merged as ALBS merges it, and the
-- per-build half of the answer computed once per build × platform × arch.

-- ALBS TaskPlatform.add_mock_options (alws/schemas/build_node_schema.py): a build's or a
-- task's mock_options merged over platform data. target_arch sets mock.target_arch;
-- module_enable extends mock.module_enable (duplicates dropped, first occurrence kept);
-- yum_exclude appends to yum.exclude (space separated, NULL when empty); with/without add
-- definitions `_with_X: --with-X`; any other mapping value is merged into definitions.
CREATE FUNCTION kiln_add_mock_options(data JSONB, options JSONB) RETURNS JSONB
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    k TEXT;
    v JSONB;
    mock JSONB;
    defs JSONB;
    yum JSONB;
    list JSONB;
    excl TEXT;
    item JSONB;
BEGIN
    IF options IS NULL OR jsonb_typeof(options) <> 'object' OR options = '{}'::jsonb THEN
        RETURN data;
    END IF;
    data := coalesce(data, '{}'::jsonb);
    FOR k, v IN SELECT e.key, e.value FROM jsonb_each(options) e LOOP
        mock := CASE WHEN jsonb_typeof(data->'mock') = 'object' THEN data->'mock' ELSE '{}'::jsonb END;
        defs := CASE WHEN jsonb_typeof(data->'definitions') = 'object' THEN data->'definitions' ELSE '{}'::jsonb END;
        IF k = 'target_arch' THEN
            data := data || jsonb_build_object('mock', mock || jsonb_build_object('target_arch', v));
        ELSIF k = 'module_enable' THEN
            list := CASE WHEN jsonb_typeof(mock->'module_enable') = 'array' THEN mock->'module_enable'
                         ELSE '[]'::jsonb END;
            list := list || CASE WHEN jsonb_typeof(v) = 'array' THEN v ELSE jsonb_build_array(v) END;
            SELECT coalesce(jsonb_agg(x.value ORDER BY x.first), '[]'::jsonb) INTO list
            FROM (SELECT value, min(ord) AS first FROM jsonb_array_elements(list) WITH ORDINALITY AS a(value, ord)
                  GROUP BY value) x;
            data := data || jsonb_build_object('mock', mock || jsonb_build_object('module_enable', list));
        ELSIF k = 'yum_exclude' THEN
            yum := CASE WHEN jsonb_typeof(data->'yum') = 'object' THEN data->'yum' ELSE '{}'::jsonb END;
            excl := coalesce(yum->>'exclude', '');
            FOR item IN SELECT value FROM jsonb_array_elements(
                    CASE WHEN jsonb_typeof(v) = 'array' THEN v ELSE jsonb_build_array(v) END) LOOP
                excl := excl || ' ' || coalesce(item #>> '{}', '');
            END LOOP;
            excl := btrim(excl);
            data := data || jsonb_build_object('yum', yum || jsonb_build_object(
                'exclude', CASE WHEN excl = '' THEN NULL ELSE to_jsonb(excl) END));
        ELSIF k IN ('with', 'without') THEN
            FOR item IN SELECT value FROM jsonb_array_elements(
                    CASE WHEN jsonb_typeof(v) = 'array' THEN v ELSE jsonb_build_array(v) END) LOOP
                defs := defs || jsonb_build_object(
                    '_' || k || '_' || (item #>> '{}'), '--' || k || '-' || (item #>> '{}'));
            END LOOP;
            data := data || jsonb_build_object('definitions', defs);
        ELSIF jsonb_typeof(v) = 'object' THEN
            data := data || jsonb_build_object('definitions', defs || v);
        END IF;
    END LOOP;
    RETURN data;
END;
$$;

-- ALBS get_task (alws/routers/build_node.py) applying one platform flavor's data: mock.macros
-- and mock.secure_boot_macros are merged key by key, mock.chroot_setup_cmd and
-- mock.use_host_resolv replace the platform's, mock.dnf_common_opts are appended, and
-- definitions are merged key by key.
CREATE FUNCTION kiln_apply_flavor(data JSONB, flavor JSONB) RETURNS JSONB
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    fm JSONB;
    mock JSONB;
    k TEXT;
BEGIN
    IF flavor IS NULL OR jsonb_typeof(flavor) <> 'object' OR flavor = '{}'::jsonb THEN
        RETURN data;
    END IF;
    data := coalesce(data, '{}'::jsonb);
    fm := CASE WHEN jsonb_typeof(flavor->'mock') = 'object' THEN flavor->'mock' ELSE '{}'::jsonb END;
    IF fm ?| ARRAY['macros', 'secure_boot_macros', 'chroot_setup_cmd', 'use_host_resolv', 'dnf_common_opts'] THEN
        mock := CASE WHEN jsonb_typeof(data->'mock') = 'object' THEN data->'mock' ELSE '{}'::jsonb END;
        FOREACH k IN ARRAY ARRAY['macros', 'secure_boot_macros'] LOOP
            IF jsonb_typeof(fm->k) = 'object' THEN
                mock := mock || jsonb_build_object(k,
                    CASE WHEN jsonb_typeof(mock->k) = 'object' THEN mock->k ELSE '{}'::jsonb END || (fm->k));
            END IF;
        END LOOP;
        IF fm ? 'chroot_setup_cmd' THEN
            mock := mock || jsonb_build_object('chroot_setup_cmd', fm->'chroot_setup_cmd');
        END IF;
        IF fm ? 'use_host_resolv' THEN
            mock := mock || jsonb_build_object('use_host_resolv', fm->'use_host_resolv');
        END IF;
        IF jsonb_typeof(fm->'dnf_common_opts') = 'array' THEN
            mock := mock || jsonb_build_object('dnf_common_opts',
                CASE WHEN jsonb_typeof(mock->'dnf_common_opts') = 'array' THEN mock->'dnf_common_opts'
                     ELSE '[]'::jsonb END || (fm->'dnf_common_opts'));
        END IF;
        data := data || jsonb_build_object('mock', mock);
    END IF;
    IF jsonb_typeof(flavor->'definitions') = 'object' THEN
        data := data || jsonb_build_object('definitions',
            CASE WHEN jsonb_typeof(data->'definitions') = 'object' THEN data->'definitions' ELSE '{}'::jsonb END
            || (flavor->'definitions'));
    END IF;
    RETURN data;
END;
$$;

-- ALBS get_task for a Secure Boot task: mock.secure_boot_additional_packages appended to
-- mock.chroot_setup_cmd (space separated).
CREATE FUNCTION kiln_secure_boot_data(data JSONB) RETURNS JSONB
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    pkgs TEXT;
    cmd JSONB;
BEGIN
    IF jsonb_typeof(data #> '{mock,secure_boot_additional_packages}') <> 'array' THEN
        RETURN data;
    END IF;
    SELECT string_agg(value #>> '{}', ' ' ORDER BY ord) INTO pkgs
    FROM jsonb_array_elements(data #> '{mock,secure_boot_additional_packages}') WITH ORDINALITY AS a(value, ord);
    cmd := data #> '{mock,chroot_setup_cmd}';
    IF pkgs IS NULL OR (cmd IS NOT NULL AND jsonb_typeof(cmd) <> 'string') THEN
        RETURN data;
    END IF;
    RETURN data || jsonb_build_object('mock', (data->'mock') || jsonb_build_object('chroot_setup_cmd',
        CASE WHEN cmd IS NULL THEN pkgs ELSE (cmd #>> '{}') || ' ' || pkgs END));
END;
$$;

-- The per-build half of platform.data: the platform's data, each flavor the build names in
-- its order, then the build's mock_options.
CREATE FUNCTION kiln_build_platform_data(p_build BIGINT, p_platform BIGINT) RETURNS JSONB
LANGUAGE plpgsql STABLE AS $$
DECLARE
    d JSONB;
    f JSONB;
BEGIN
    SELECT data INTO d FROM platforms WHERE id = p_platform;
    FOR f IN SELECT pf.data FROM build_platform_flavors bf JOIN platform_flavors pf ON pf.id = bf.flavor_id
             WHERE bf.build_id = p_build ORDER BY bf.position, bf.flavor_id LOOP
        d := kiln_apply_flavor(d, f);
    END LOOP;
    RETURN kiln_add_mock_options(d, (SELECT mock_options FROM builds WHERE id = p_build));
END;
$$;

-- The per-task half: the task's (its ref's) mock_options, then Secure Boot packages.
CREATE FUNCTION kiln_task_platform_data(data JSONB, options JSONB, secure_boot BOOLEAN) RETURNS JSONB
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN secure_boot THEN kiln_secure_boot_data(kiln_add_mock_options(data, options))
                ELSE kiln_add_mock_options(data, options) END
$$;

-- Versions of what the per-build half is made of. The global generation moves with every
-- write to platforms, repositories and flavors (the reconciler's rare writes); a build's
-- answer_version with its build repositories, those of the builds it links, its links and
-- flavors. A cached answer is used only while both still match.
CREATE TABLE claim_answer_generation (
    singleton  BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    value      BIGINT NOT NULL DEFAULT 0
);
INSERT INTO claim_answer_generation (singleton, value) VALUES (TRUE, 0);

ALTER TABLE builds ADD COLUMN answer_version BIGINT NOT NULL DEFAULT 0;

-- The per-build half of the get_task answer, per build × platform × arch.
CREATE TABLE build_claim_answers (
    build_id        BIGINT NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
    platform_id     BIGINT NOT NULL REFERENCES platforms(id) ON DELETE CASCADE,
    arch            TEXT NOT NULL,
    data            JSONB NOT NULL,
    repositories    JSONB NOT NULL,
    linked_builds   JSONB NOT NULL,
    build_version   BIGINT NOT NULL,
    generation      BIGINT NOT NULL,
    PRIMARY KEY (build_id, platform_id, arch)
);

CREATE FUNCTION kiln_bump_claim_generation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE claim_answer_generation SET value = value + 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER platforms_claim_generation AFTER INSERT OR UPDATE OR DELETE ON platforms
    FOR EACH STATEMENT EXECUTE FUNCTION kiln_bump_claim_generation();
CREATE TRIGGER repositories_claim_generation AFTER INSERT OR UPDATE OR DELETE ON repositories
    FOR EACH STATEMENT EXECUTE FUNCTION kiln_bump_claim_generation();
CREATE TRIGGER platform_repositories_claim_generation AFTER INSERT OR UPDATE OR DELETE ON platform_repositories
    FOR EACH STATEMENT EXECUTE FUNCTION kiln_bump_claim_generation();
CREATE TRIGGER platform_flavors_claim_generation AFTER INSERT OR UPDATE OR DELETE ON platform_flavors
    FOR EACH STATEMENT EXECUTE FUNCTION kiln_bump_claim_generation();
CREATE TRIGGER platform_flavor_repositories_claim_generation
    AFTER INSERT OR UPDATE OR DELETE ON platform_flavor_repositories
    FOR EACH STATEMENT EXECUTE FUNCTION kiln_bump_claim_generation();

-- A build repository added, moved or removed: the build and every build linking it.
CREATE FUNCTION kiln_bump_build_answer() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    b BIGINT := CASE WHEN TG_OP = 'DELETE' THEN OLD.build_id ELSE NEW.build_id END;
BEGIN
    UPDATE builds SET answer_version = answer_version + 1
    WHERE id = b OR id IN (SELECT l.build_id FROM build_links l WHERE l.linked_build_id = b);
    RETURN NULL;
END;
$$;

CREATE TRIGGER build_repositories_claim_answer AFTER INSERT OR DELETE ON build_repositories
    FOR EACH ROW EXECUTE FUNCTION kiln_bump_build_answer();
CREATE TRIGGER build_repositories_claim_answer_moved AFTER UPDATE ON build_repositories
    FOR EACH ROW WHEN (OLD.url IS DISTINCT FROM NEW.url OR OLD.name IS DISTINCT FROM NEW.name
                       OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.arch IS DISTINCT FROM NEW.arch)
    EXECUTE FUNCTION kiln_bump_build_answer();
CREATE TRIGGER build_links_claim_answer AFTER INSERT OR DELETE ON build_links
    FOR EACH ROW EXECUTE FUNCTION kiln_bump_build_answer();
CREATE TRIGGER build_platform_flavors_claim_answer AFTER INSERT OR UPDATE OR DELETE ON build_platform_flavors
    FOR EACH ROW EXECUTE FUNCTION kiln_bump_build_answer();

-- The build's own mock_options changed: its cached answers are out of date.
CREATE FUNCTION kiln_bump_build_answer_options() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.answer_version := OLD.answer_version + 1;
    RETURN NEW;
END;
$$;

CREATE TRIGGER builds_mock_options_claim_answer BEFORE UPDATE OF mock_options ON builds
    FOR EACH ROW WHEN (OLD.mock_options IS DISTINCT FROM NEW.mock_options)
    EXECUTE FUNCTION kiln_bump_build_answer_options();
