-- Guardpost schema 5: indexes for the administrator's listing across its members, and a statistics rollup kept by
-- a trigger, so that GetFindingsStatistics over a million findings reads thousands of rows instead of a million.

-- An administrator lists across all its members, newest first: walk one index in order and stop after a page.
DROP INDEX findings_current;
DROP INDEX findings_by_severity;
CREATE INDEX findings_recent_current ON findings (region, updated_at DESC, account_id DESC, finding_id DESC) WHERE NOT archived;
CREATE INDEX findings_recent ON findings (region, updated_at DESC, account_id DESC, finding_id DESC);
-- GetFindings of an administrator: ids across its members' accounts.
CREATE INDEX findings_by_id ON findings (finding_id);

-- Counts of findings per account, region, storage week, day of last update, type, severity and archived flag.
CREATE TABLE finding_stats (
    account_id    text NOT NULL,
    region        text NOT NULL,
    created_week  date NOT NULL,
    day           date NOT NULL,
    type          text NOT NULL,
    severity      double precision NOT NULL,
    archived      boolean NOT NULL,
    total         bigint NOT NULL,
    -- The newest updatedAt counted here (not lowered when a finding leaves the group).
    last_updated  timestamptz NOT NULL,
    PRIMARY KEY (account_id, region, created_week, day, type, severity, archived)
);

CREATE FUNCTION guardpost_count_finding() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (OLD.type, OLD.severity, OLD.archived, (OLD.updated_at AT TIME ZONE 'UTC')::date)
           IS NOT DISTINCT FROM (NEW.type, NEW.severity, NEW.archived, (NEW.updated_at AT TIME ZONE 'UTC')::date) THEN
        UPDATE finding_stats SET last_updated = greatest(last_updated, NEW.updated_at)
        WHERE account_id = NEW.account_id AND region = NEW.region AND created_week = NEW.created_week
          AND day = (NEW.updated_at AT TIME ZONE 'UTC')::date AND type = NEW.type AND severity = NEW.severity AND archived = NEW.archived;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE finding_stats SET total = total - 1
        WHERE account_id = OLD.account_id AND region = OLD.region AND created_week = OLD.created_week
          AND day = (OLD.updated_at AT TIME ZONE 'UTC')::date AND type = OLD.type AND severity = OLD.severity AND archived = OLD.archived;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO finding_stats AS s (account_id, region, created_week, day, type, severity, archived, total, last_updated)
        VALUES (NEW.account_id, NEW.region, NEW.created_week, (NEW.updated_at AT TIME ZONE 'UTC')::date, NEW.type, NEW.severity, NEW.archived, 1, NEW.updated_at)
        ON CONFLICT (account_id, region, created_week, day, type, severity, archived)
        DO UPDATE SET total = s.total + 1, last_updated = greatest(s.last_updated, EXCLUDED.last_updated);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER findings_counted AFTER INSERT OR UPDATE OR DELETE ON findings FOR EACH ROW EXECUTE FUNCTION guardpost_count_finding();

INSERT INTO finding_stats (account_id, region, created_week, day, type, severity, archived, total, last_updated)
SELECT account_id, region, created_week, (updated_at AT TIME ZONE 'UTC')::date, type, severity, archived, count(*), max(updated_at)
FROM findings GROUP BY 1, 2, 3, 4, 5, 6, 7;

-- Retention drops a week's partition; its counts go with it.
CREATE OR REPLACE FUNCTION guardpost_maintain_finding_partitions(ahead integer DEFAULT 2) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    week date;
    dropped integer := 0;
    part record;
BEGIN
    FOR i IN -13..ahead LOOP
        week := (date_trunc('week', now() AT TIME ZONE 'UTC') + make_interval(weeks => i))::date;
        EXECUTE format(
            'CREATE TABLE IF NOT EXISTS %I PARTITION OF findings FOR VALUES FROM (%L) TO (%L)',
            'findings_' || to_char(week, 'YYYYMMDD'), week, week + 7);
    END LOOP;
    FOR part IN
        SELECT c.relname, to_date(substr(c.relname, 10), 'YYYYMMDD') AS week
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = 'findings' AND c.relname ~ '^findings_[0-9]{8}$'
          AND to_date(substr(c.relname, 10), 'YYYYMMDD') + 7 <= (now() AT TIME ZONE 'UTC')::date - 90
    LOOP
        EXECUTE format('DROP TABLE %I', part.relname);
        DELETE FROM finding_stats WHERE created_week = part.week;
        dropped := dropped + 1;
    END LOOP;
    DELETE FROM finding_stats WHERE total <= 0;
    RETURN dropped;
END
$$;
