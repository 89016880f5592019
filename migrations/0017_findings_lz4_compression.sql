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
-- then this migration changes nothing and says so (the block is one subtransaction), and documents stay pglz.
DO $$
DECLARE
    part record;
BEGIN
    ALTER TABLE findings ALTER COLUMN finding SET COMPRESSION lz4;
    ALTER TABLE event_outbox ALTER COLUMN body SET COMPRESSION lz4;
    ALTER TABLE export_outbox ALTER COLUMN body SET COMPRESSION lz4;
    FOR part IN
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = 'findings'
    LOOP
        EXECUTE format('ALTER TABLE %I ALTER COLUMN finding SET COMPRESSION lz4', part.relname);
    END LOOP;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'findings stay compressed with pglz: %', SQLERRM;
END
$$;
