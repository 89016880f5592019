-- Guardpost schema 17 (issue 16): findings' documents, and the events and exports written with them at ingest,
-- compressed with LZ4 instead of PostgreSQL's default pglz.
--
-- A finding's jsonb (about 2 kB) pushes its row past the TOAST threshold, so every stored finding is compressed in
-- line, and at ingest that compression was PostgreSQL's largest cost. LZ4 compresses several times faster and
-- decompresses faster; its documents come out a little larger than pglz's (measured in the README). Only new values
-- are written with LZ4: documents already stored stay pglz until rewritten (an updated finding is), and PostgreSQL
-- reads both.
--
-- A partitioned table passes a column's compression to partitions created after the change, not to those that exist,
-- so each existing weekly partition is altered too. A PostgreSQL built without LZ4 (--with-lz4) refuses the method:
-- then this migration changes nothing (the block is one subtransaction), documents stay pglz, and PostgreSQL's log says
-- so in a WARNING. The ALTERs change only the catalogue (no rewrite), but each takes its table's ACCESS EXCLUSIVE lock
-- until the migration commits: a replica starting during a long findings query waits for it.
DO $$
DECLARE
    part record;
BEGIN
    ALTER TABLE findings ALTER COLUMN finding SET COMPRESSION lz4;
    ALTER TABLE event_outbox ALTER COLUMN body SET COMPRESSION lz4;
    ALTER TABLE export_outbox ALTER COLUMN body SET COMPRESSION lz4;
    FOR part IN SELECT i.inhrelid::regclass AS child FROM pg_inherits i WHERE i.inhparent = 'findings'::regclass LOOP
        EXECUTE format('ALTER TABLE %s ALTER COLUMN finding SET COMPRESSION lz4', part.child);
    END LOOP;
EXCEPTION WHEN feature_not_supported THEN
    RAISE WARNING 'findings stay compressed with pglz: %', SQLERRM;
END
$$;
