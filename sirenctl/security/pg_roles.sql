-- sirenctl on PostgreSQL: group roles, ownership, grants and guard triggers (issue 9).
-- Applied by `sirenctl db setup-roles` (sirenctl/security/pg_setup.py), idempotent; re-run it
-- after an upgrade that adds tables. The database itself enforces who may do what:
--   * tables belong to sirenctl_owner, a NOLOGIN role no person logs in as, so no
--     application login can disable triggers, alter tables or rewrite the audit log;
--   * audit_event: INSERT and SELECT only, for every application role (sirenctl chains each
--     row, sirenctl/audit.py; the owner's chain trigger refuses any other); audit_chain (the
--     genesis) SELECT only; never TRIGGER, so no login can switch the chain triggers off;
--   * work_order_approval: INSERT only by sirenctl_approver members, as themselves, never on
--     a work order they planned; DELETE only of their own rows; no UPDATE;
--   * asset: the bench flag and the controller columns only by sirenctl_administrator;
--   * work_order: planned_by is always session_user, and live audible work is planned only
--     by sirenctl_planner members.
-- Group roles are cluster-global; the caller holds an advisory lock while creating them.

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['sirenctl_owner', 'sirenctl_technician', 'sirenctl_planner',
                             'sirenctl_approver', 'sirenctl_administrator', 'sirenctl_service']
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END $$;

-- ownership of everything sirenctl created in this schema
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
        EXECUTE format('ALTER TABLE %I OWNER TO sirenctl_owner', t.tablename);
    END LOOP;
    FOR t IN SELECT sequence_name FROM information_schema.sequences
             WHERE sequence_schema = current_schema() LOOP
        EXECUTE format('ALTER SEQUENCE %I OWNER TO sirenctl_owner', t.sequence_name);
    END LOOP;
    -- the audit log's trigger functions (migrations 0001, 0006; audit_event_chain is SECURITY
    -- DEFINER: it must run as the owner of audit_event and audit_chain, not as a superuser)
    FOR t IN SELECT unnest(ARRAY['audit_event_append_only()', 'audit_event_chain()',
                                 'audit_event_check_user()', 'audit_chain_append_only()']) AS f
    LOOP
        IF to_regprocedure(t.f) IS NOT NULL THEN
            EXECUTE format('ALTER FUNCTION %s OWNER TO sirenctl_owner', t.f);
        END IF;
    END LOOP;
END $$;

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE, CREATE ON SCHEMA public TO sirenctl_owner;  -- migrations run SET ROLE sirenctl_owner

-- ordinary tables: every application role reads and writes them
DO $$
DECLARE
    t record;
    g text;
BEGIN
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
        EXECUTE format('REVOKE ALL ON %I FROM PUBLIC', t.tablename);
        FOREACH g IN ARRAY ARRAY['sirenctl_technician', 'sirenctl_planner', 'sirenctl_approver',
                                 'sirenctl_administrator', 'sirenctl_service']
        LOOP
            EXECUTE format('REVOKE ALL ON %I FROM %I', t.tablename, g);
            EXECUTE format('GRANT SELECT ON %I TO %I', t.tablename, g);
            IF t.tablename NOT IN ('audit_event', 'audit_chain', 'work_order_approval',
                                   'operator_account', 'alembic_version') THEN
                EXECUTE format('GRANT INSERT, UPDATE, DELETE ON %I TO %I', t.tablename, g);
            END IF;
        END LOOP;
    END LOOP;
END $$;

GRANT USAGE ON SCHEMA public TO sirenctl_technician, sirenctl_planner, sirenctl_approver,
    sirenctl_administrator, sirenctl_service;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO sirenctl_technician, sirenctl_planner,
    sirenctl_approver, sirenctl_administrator, sirenctl_service;
GRANT INSERT ON audit_event TO sirenctl_technician, sirenctl_planner, sirenctl_approver,
    sirenctl_administrator, sirenctl_service;
GRANT INSERT, DELETE ON work_order_approval TO sirenctl_approver;
GRANT sirenctl_technician TO sirenctl_administrator;  -- administrators also edit the registry

-- asset: bench flag and controller settings are administrator actions
CREATE OR REPLACE FUNCTION sirenctl_guard_asset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_has_role(session_user, 'sirenctl_administrator', 'MEMBER') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.is_bench OR NEW.controller_transport IS NOT NULL THEN
            RAISE EXCEPTION 'sirenctl: % may not register a bench unit or a controller '
                '(administrators only)', session_user USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSIF (NEW.is_bench, NEW.controller_transport, NEW.controller_model, NEW.controller_host,
           NEW.controller_port, NEW.controller_device, NEW.controller_serial,
           NEW.controller_unit_id, NEW.serial_no)
          IS DISTINCT FROM
          (OLD.is_bench, OLD.controller_transport, OLD.controller_model, OLD.controller_host,
           OLD.controller_port, OLD.controller_device, OLD.controller_serial,
           OLD.controller_unit_id, OLD.serial_no) THEN
        RAISE EXCEPTION 'sirenctl: % may not change the bench flag or controller settings '
            '(administrators only)', session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
ALTER FUNCTION sirenctl_guard_asset() OWNER TO sirenctl_owner;
DROP TRIGGER IF EXISTS sirenctl_guard_asset ON asset;
CREATE TRIGGER sirenctl_guard_asset BEFORE INSERT OR UPDATE ON asset
    FOR EACH ROW EXECUTE FUNCTION sirenctl_guard_asset();

-- work_order: the planner is whoever is logged in; live audible work needs a planner
CREATE OR REPLACE FUNCTION sirenctl_guard_work_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.planned_by IS NOT DISTINCT FROM OLD.planned_by
       AND NEW.plan_digest IS NOT DISTINCT FROM OLD.plan_digest THEN
        RETURN NEW;  -- run-due and check-ins change the status, not the plan
    END IF;
    IF NEW.planned_by IS DISTINCT FROM session_user::text THEN
        RAISE EXCEPTION 'sirenctl: planned_by must be the login % (not %)',
            session_user, NEW.planned_by USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.plan_digest IS NOT NULL
       AND NOT pg_has_role(session_user, 'sirenctl_planner', 'MEMBER') THEN
        RAISE EXCEPTION 'sirenctl: % is not a planner', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
ALTER FUNCTION sirenctl_guard_work_order() OWNER TO sirenctl_owner;
DROP TRIGGER IF EXISTS sirenctl_guard_work_order ON work_order;
CREATE TRIGGER sirenctl_guard_work_order BEFORE INSERT OR UPDATE ON work_order
    FOR EACH ROW EXECUTE FUNCTION sirenctl_guard_work_order();

-- work_order_approval: an approver, as themselves, never their own plan
CREATE OR REPLACE FUNCTION sirenctl_guard_approval() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    planner text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.approved_by IS DISTINCT FROM session_user::text THEN
            RAISE EXCEPTION 'sirenctl: % may not withdraw an approval by %',
                session_user, OLD.approved_by USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF NEW.approved_by IS DISTINCT FROM session_user::text THEN
        RAISE EXCEPTION 'sirenctl: approved_by must be the login % (not %)',
            session_user, NEW.approved_by USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT pg_has_role(session_user, 'sirenctl_approver', 'MEMBER') THEN
        RAISE EXCEPTION 'sirenctl: % is not an approver', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT w.planned_by INTO planner FROM work_order w WHERE w.id = NEW.work_order_id;
    IF planner IS NOT DISTINCT FROM session_user::text THEN
        RAISE EXCEPTION 'sirenctl: % planned work order % and may not approve it',
            session_user, NEW.work_order_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
ALTER FUNCTION sirenctl_guard_approval() OWNER TO sirenctl_owner;
DROP TRIGGER IF EXISTS sirenctl_guard_approval ON work_order_approval;
CREATE TRIGGER sirenctl_guard_approval BEFORE INSERT OR UPDATE OR DELETE ON work_order_approval
    FOR EACH ROW EXECUTE FUNCTION sirenctl_guard_approval();
