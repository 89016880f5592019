-- Guardpost schema 2: trusted IP lists, threat lists and entity lists (IPSet, ThreatIntelSet,
-- ThreatEntitySet, TrustedEntitySet) with their parsed, content-addressed entries.

-- Normalised list content, one entry per line, addressed by its SHA-256: immutable once written.
CREATE TABLE list_contents (
    sha256       text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    body         text NOT NULL,
    entry_count  integer NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE lists (
    list_id                text PRIMARY KEY,
    kind                   text NOT NULL CHECK (kind IN ('IP_SET', 'THREAT_INTEL_SET', 'THREAT_ENTITY_SET', 'TRUSTED_ENTITY_SET')),
    account_id             text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    region                 text NOT NULL REFERENCES regions (name),
    detector_id            text NOT NULL REFERENCES detectors (detector_id) ON DELETE CASCADE,
    name                   text NOT NULL,
    format                 text NOT NULL CHECK (format IN ('TXT', 'STIX', 'OTX_CSV', 'ALIEN_VAULT', 'PROOF_POINT', 'FIRE_EYE')),
    location               text NOT NULL,
    expected_bucket_owner  text,
    status                 text NOT NULL CHECK (status IN ('INACTIVE', 'ACTIVATING', 'ACTIVE', 'DEACTIVATING', 'ERROR', 'DELETE_PENDING', 'DELETED')),
    error_details          text,
    tags                   jsonb NOT NULL DEFAULT '{}',
    client_token           text,
    -- The content in force (kept while a re-activation runs or fails: a list is never half-applied).
    content_sha256         text REFERENCES list_contents (sha256),
    entry_count            integer NOT NULL DEFAULT 0,
    malformed_count        integer NOT NULL DEFAULT 0,
    -- Each activation request gets a new id; a worker's result is stored only if the id is still current.
    activation_id          text,
    claimed_until          timestamptz,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    UNIQUE (detector_id, kind, name)
);
CREATE INDEX lists_by_detector ON lists (detector_id, kind);
CREATE INDEX lists_activating ON lists (claimed_until) WHERE status = 'ACTIVATING';
