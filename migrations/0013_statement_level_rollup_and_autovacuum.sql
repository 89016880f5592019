-- Guardpost schema 13 (issue 20): the statistics rollup is written once per statement, not once per finding, and
-- the hot tables carry autovacuum settings of their own.
--
-- Schema 5 kept `finding_stats` with a row trigger: every finding written rewrote one rollup row, so a million
-- findings left a million dead row versions in a 2,100-row table and its primary key, and concurrent batches of one
-- account queued on the same rows from their first finding to their commit. Now three statement-level triggers read
-- the statement's transition tables, add up the deltas per rollup key and write each touched key once, in key order
-- (two statements lock shared keys in the same order, so they wait for each other only from the trigger to the
-- commit, and do not deadlock on the rollup). A batch of 500 findings writes as many rollup rows as it has distinct
-- (account, region, week, day, type, severity, archived) keys, typically a handful.

DROP TRIGGER findings_counted ON findings;
DROP FUNCTION guardpost_count_finding();

-- Rows stored by an INSERT (including the inserting half of INSERT … ON CONFLICT).
CREATE FUNCTION guardpost_count_inserted_findings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO finding_stats AS s (account_id, region, created_week, day, type, severity, archived, total, last_updated)
    SELECT account_id, region, created_week, (updated_at AT TIME ZONE 'UTC')::date, type, severity, archived, count(*), max(updated_at)
    FROM inserted_findings
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (account_id, region, created_week, day, type, severity, archived)
    DO UPDATE SET total = s.total + EXCLUDED.total, last_updated = greatest(s.last_updated, EXCLUDED.last_updated);
    RETURN NULL;
END
$$;

-- Rows changed by an UPDATE (archive, unarchive, feedback, suppression, a new occurrence through ON CONFLICT): each
-- old version leaves its key, each new one joins its key. A key whose count does not change and whose newest update
-- is not newer is not written at all (feedback and sample changes write nothing).
CREATE FUNCTION guardpost_count_updated_findings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO finding_stats AS s (account_id, region, created_week, day, type, severity, archived, total, last_updated)
    SELECT account_id, region, created_week, day, type, severity, archived, sum(delta), coalesce(max(last_updated), '-infinity')
    FROM (
        SELECT account_id, region, created_week, (updated_at AT TIME ZONE 'UTC')::date AS day, type, severity, archived,
               1 AS delta, updated_at AS last_updated
        FROM new_findings
        UNION ALL
        SELECT account_id, region, created_week, (updated_at AT TIME ZONE 'UTC')::date, type, severity, archived, -1, NULL
        FROM old_findings
    ) d
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (account_id, region, created_week, day, type, severity, archived)
    DO UPDATE SET total = s.total + EXCLUDED.total, last_updated = greatest(s.last_updated, EXCLUDED.last_updated)
    WHERE EXCLUDED.total <> 0 OR EXCLUDED.last_updated > s.last_updated;
    RETURN NULL;
END
$$;

-- Rows deleted (a member's findings going with its account; retention drops whole partitions instead, below).
CREATE FUNCTION guardpost_count_deleted_findings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE finding_stats s SET total = s.total - d.total
    FROM (
        SELECT account_id, region, created_week, (updated_at AT TIME ZONE 'UTC')::date AS day, type, severity, archived, count(*) AS total
        FROM deleted_findings GROUP BY 1, 2, 3, 4, 5, 6, 7
    ) d
    WHERE s.account_id = d.account_id AND s.region = d.region AND s.created_week = d.created_week AND s.day = d.day
      AND s.type = d.type AND s.severity = d.severity AND s.archived = d.archived;
    RETURN NULL;
END
$$;

-- Transition tables take one event per trigger. Statement-level triggers on the partitioned table see the rows of
-- every partition the statement touched.
CREATE TRIGGER findings_counted_inserts AFTER INSERT ON findings REFERENCING NEW TABLE AS inserted_findings
    FOR EACH STATEMENT EXECUTE FUNCTION guardpost_count_inserted_findings();
CREATE TRIGGER findings_counted_updates AFTER UPDATE ON findings REFERENCING OLD TABLE AS old_findings NEW TABLE AS new_findings
    FOR EACH STATEMENT EXECUTE FUNCTION guardpost_count_updated_findings();
CREATE TRIGGER findings_counted_deletes AFTER DELETE ON findings REFERENCING OLD TABLE AS deleted_findings
    FOR EACH STATEMENT EXECUTE FUNCTION guardpost_count_deleted_findings();

-- Autovacuum per hot table. What each setting costs is said beside it; the defaults (vacuum at 20 % dead rows,
-- analyze at 10 % changed, 2 ms cost delay) suit none of these tables.
--
-- finding_stats: a few thousand rows rewritten on every batch. fillfactor 50 leaves half of each page free, so an
-- update of `total`/`last_updated` (no indexed column) is a HOT update on the same page and never grows the primary
-- key: that index bloat (2,411 index buffers read for 2,100 rows) was what made statistics slow after heavy ingest.
-- Vacuum after 1,000 dead rows whatever the table's size, unthrottled: each pass reads the table and its key
-- (a few hundred kB for thousands of keys), so running it every few seconds under full ingest costs milliseconds.
-- Cost: the table takes twice the pages (still well under a megabyte per 10,000 keys).
-- The rollup is recounted from the findings while they are locked against writes (exact whatever schema 5 left,
-- and compacted into pages that honour the fillfactor).
ALTER TABLE finding_stats SET (
    fillfactor = 50,
    autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_cost_delay = 0,
    autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 5000);
LOCK TABLE findings IN SHARE MODE;
TRUNCATE finding_stats;
INSERT INTO finding_stats (account_id, region, created_week, day, type, severity, archived, total, last_updated)
SELECT account_id, region, created_week, (updated_at AT TIME ZONE 'UTC')::date, type, severity, archived, count(*), max(updated_at)
FROM findings GROUP BY 1, 2, 3, 4, 5, 6, 7;

-- findings (per weekly partition; a partitioned table takes no storage parameters, so the partition function sets
-- them on every partition it creates and the existing ones are altered here). The current week's partition takes all
-- inserts and the re-ingest updates: vacuum it at 5 % dead rows instead of 20 %, and after 2 % inserted rows
-- (instead of 20 %), so the visibility map follows a bulk load and counting from the findings (statistics criteria
-- the rollup cannot answer) stays an index-only scan; analyze at 2 % changed so a young partition's plans follow its
-- growth. Cost: about four times as many autovacuum passes over the current week's partition and its seven indexes
-- (each pass reads the pages changed since the last one plus the indexes when there are dead rows); older weeks
-- barely change and are not vacuumed more often.
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
            'CREATE TABLE IF NOT EXISTS %I PARTITION OF findings FOR VALUES FROM (%L) TO (%L) WITH ('
            'autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02)',
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
DO $$
DECLARE
    part record;
BEGIN
    FOR part IN
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = 'findings'
    LOOP
        EXECUTE format(
            'ALTER TABLE %I SET (autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_insert_scale_factor = 0.02, '
            'autovacuum_analyze_scale_factor = 0.02)', part.relname);
    END LOOP;
END
$$;

-- agents: every agent's heartbeat updates its row (10,000 agents every 15 s are 667 updates/s). fillfactor 70 keeps
-- those updates HOT (only `agents_by_account`'s columns are indexed and a heartbeat does not change them); vacuum at
-- 5 % dead rows. Cost: 30 % more pages for the table (a few MB at 10,000 agents).
ALTER TABLE agents SET (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_cost_delay = 0);

-- The outboxes are queues: rows inserted with a finding and deleted once delivered. Vacuum after 5,000 dead rows
-- whatever their size, so a drained queue does not leave its index (read by every claim) full of dead entries.
-- Cost: a vacuum pass per 5,000 deliveries over a table that is small when drained.
ALTER TABLE event_outbox SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000);
ALTER TABLE export_outbox SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000);
