-- Guardpost schema 11: managed threat-intelligence feeds (`guardpost-admin intel`), fetched by the server on a
-- schedule and pushed to every agent like lists: the normalised content lives in list_contents by its SHA-256.

CREATE TABLE intel_feeds (
    name             text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    kind             text NOT NULL CHECK (kind IN ('tor-exit', 'malicious-ip', 'c2-ip', 'mining-ip', 'mining-domain', 'malicious-domain',
                                                   'phishing-domain', 'c2-domain')),
    format           text NOT NULL,
    -- NULL: an imported feed (air-gapped installs), never fetched.
    url              text,
    refresh_minutes  integer NOT NULL CHECK (refresh_minutes BETWEEN 5 AND 10080),
    -- The source's terms of use, as `intel list` shows them.
    terms            text NOT NULL DEFAULT '',
    -- The content in force: kept when a fetch fails, does not parse, or shrinks by more than half at once.
    content_sha256   text REFERENCES list_contents (sha256),
    entry_count      integer NOT NULL DEFAULT 0,
    malformed_count  integer NOT NULL DEFAULT 0,
    -- Validators of the content in force, for conditional GETs.
    etag             text,
    last_modified    text,
    -- When the content in force was fetched (or imported), when the source was last asked, and why the last attempt
    -- changed nothing (NULL: it succeeded).
    updated_at       timestamptz,
    checked_at       timestamptz,
    last_error       text,
    next_check_at    timestamptz NOT NULL DEFAULT now(),
    claimed_until    timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX intel_feeds_due ON intel_feeds (next_check_at) WHERE url IS NOT NULL;

-- A fresh install's feeds: public sources whose terms allow redistribution and use in a product.
INSERT INTO intel_feeds (name, kind, format, url, refresh_minutes, terms) VALUES
    ('tor-exits', 'tor-exit', 'plain', 'https://check.torproject.org/torbulkexitlist', 60,
     'The Tor Project''s bulk exit list (Tor Metrics data, CC0 1.0).'),
    ('feodo-c2', 'c2-ip', 'plain', 'https://feodotracker.abuse.ch/downloads/ipblocklist.txt', 60,
     'abuse.ch Feodo Tracker botnet C&C IP blocklist; abuse.ch data is CC0 1.0, free for commercial and non-commercial use.'),
    ('threatfox-ips', 'c2-ip', 'plain', 'https://raw.githubusercontent.com/elliotwutingfeng/ThreatFox-IOC-IPs/main/ips.txt', 360,
     'abuse.ch ThreatFox IOC IP addresses (CC0 1.0), as mirrored by elliotwutingfeng/ThreatFox-IOC-IPs.'),
    ('urlhaus-hosts', 'malicious-domain', 'hosts', 'https://urlhaus.abuse.ch/downloads/hostfile/', 60,
     'abuse.ch URLhaus malware-distribution hosts (CC0 1.0).'),
    ('phishing-domains', 'phishing-domain', 'plain',
     'https://raw.githubusercontent.com/Phishing-Database/Phishing.Database/master/phishing-domains-NEW-today.txt', 360,
     'Phishing.Database new phishing domains (MIT License, Mitchell Krog and contributors).'),
    ('phishing-ips', 'malicious-ip', 'plain',
     'https://raw.githubusercontent.com/Phishing-Database/Phishing.Database/master/phishing-IPs-ACTIVE.txt', 360,
     'Phishing.Database active phishing IP addresses (MIT License, Mitchell Krog and contributors).'),
    ('mining-pools', 'mining-domain', 'plain', 'https://blocklistproject.github.io/Lists/alt-version/crypto-nl.txt', 1440,
     'The Block List Project crypto-mining domains (The Unlicense; the file says MIT).');
