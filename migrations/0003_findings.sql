-- Guardpost schema 3: every account's findings, suppression rules (filters), and the agents that report them.

-- Findings, one row per (account, region, finding id), partitioned by the week the server first stored them
-- (Monday, UTC). Retention drops whole partitions once they are older than 90 days; a finding is kept 90 to 97
-- days. Columns hold what the common criteria, sorts and statistics read; `finding` is the whole GuardDuty
-- document as the agent sent it (archived and feedback are overlaid from the columns when it is read).
CREATE TABLE findings (
    created_week      date NOT NULL,
    account_id        text NOT NULL,
    region            text NOT NULL,
    finding_id        text NOT NULL,
    detector_id       text NOT NULL,
    type              text NOT NULL,
    severity          double precision NOT NULL,
    archived          boolean NOT NULL DEFAULT false,
    -- Archived by a suppression rule (stays archived when new occurrences arrive; never exported).
    suppressed        boolean NOT NULL DEFAULT false,
    feedback          text CHECK (feedback IN ('USEFUL', 'NOT_USEFUL')),
    sample            boolean NOT NULL DEFAULT false,
    count             bigint NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    event_first_seen  timestamptz,
    event_last_seen   timestamptz,
    resource_type     text NOT NULL,
    -- The resource's id as GetFindingsStatistics groups by it: instance id, access key id or bucket name.
    resource_id       text,
    remote_ip         text,
    finding           jsonb NOT NULL,
    stored_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, region, finding_id, created_week)
) PARTITION BY RANGE (created_week);
-- The console's default view: current findings of an account, newest first.
CREATE INDEX findings_current ON findings (account_id, region, updated_at DESC) WHERE NOT archived;
CREATE INDEX findings_by_severity ON findings (account_id, region, severity, updated_at);
CREATE INDEX findings_by_type ON findings (account_id, region, type);
CREATE INDEX findings_by_resource ON findings (resource_id);
CREATE INDEX findings_by_remote_ip ON findings (remote_ip);

-- Creates the weekly partitions from 13 weeks ago to `ahead` weeks from now and drops those whose whole week
-- lies more than 90 days back. Called by every migration run and hourly by the server.
CREATE FUNCTION guardpost_maintain_finding_partitions(ahead integer DEFAULT 2) RETURNS integer
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
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = 'findings' AND c.relname ~ '^findings_[0-9]{8}$'
          AND to_date(substr(c.relname, 10), 'YYYYMMDD') + 7 <= (now() AT TIME ZONE 'UTC')::date - 90
    LOOP
        EXECUTE format('DROP TABLE %I', part.relname);
        dropped := dropped + 1;
    END LOOP;
    RETURN dropped;
END
$$;
SELECT guardpost_maintain_finding_partitions();

-- Filters and suppression rules (action ARCHIVE), per detector.
CREATE TABLE filters (
    detector_id       text NOT NULL REFERENCES detectors (detector_id) ON DELETE CASCADE,
    name              text NOT NULL,
    description       text NOT NULL DEFAULT '',
    action            text NOT NULL CHECK (action IN ('NOOP', 'ARCHIVE')),
    rank              integer NOT NULL CHECK (rank BETWEEN 1 AND 100),
    criteria          jsonb NOT NULL,
    tags              jsonb NOT NULL DEFAULT '{}',
    client_token      text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (detector_id, name)
);

-- Agents: one row per agent id (stable per host and state directory), refreshed by heartbeats.
CREATE TABLE agents (
    agent_id          text PRIMARY KEY,
    account_id        text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    region            text NOT NULL,
    detector_id       text NOT NULL,
    hostname          text NOT NULL,
    version           text NOT NULL,
    config_version    integer NOT NULL DEFAULT 0,
    sources           jsonb NOT NULL DEFAULT '[]',
    first_seen        timestamptz NOT NULL DEFAULT now(),
    last_seen         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agents_by_account ON agents (account_id, region);

-- What agents analysed, per account, data source and day (GetUsageStatistics, the console's usage page).
CREATE TABLE usage_daily (
    account_id        text NOT NULL,
    region            text NOT NULL,
    day               date NOT NULL,
    data_source       text NOT NULL,
    records           bigint NOT NULL DEFAULT 0,
    bytes             bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, region, day, data_source)
);
