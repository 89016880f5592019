-- Guardpost schema 16 (issue 16): every change to `members` tells every replica, so that ListMembers pages can be
-- served from memory and still be current.
--
-- A replica keeps encoded ListMembers pages (and GetDetector answers) until its change signal moves: after each of
-- its own write transactions, and on each NOTIFY on `guardpost_changes`. Membership changes made through another
-- replica, the CLI or SQL did not NOTIFY, so they now do, once per statement that touched the table (PostgreSQL
-- folds equal notifications of one transaction into one, delivered at commit; a rolled-back change sends nothing).
-- ListMembers also shows each member's detector id and features: features already NOTIFY (`config:…` when they
-- change), and a detector created or deleted now does too, whoever's it is.
CREATE FUNCTION guardpost_notify_members_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('guardpost_changes', 'members');
    RETURN NULL;
END $$;

CREATE TRIGGER members_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON members
    FOR EACH STATEMENT EXECUTE FUNCTION guardpost_notify_members_changed();

CREATE TRIGGER detectors_created_or_deleted AFTER INSERT OR DELETE ON detectors
    FOR EACH STATEMENT EXECUTE FUNCTION guardpost_notify_members_changed();
