-- Guardpost schema 6: publishing destinations (S3 export of findings as gzip JSON lines) and their outbox.

CREATE TABLE publishing_destinations (
    destination_id      text PRIMARY KEY,
    detector_id         text NOT NULL REFERENCES detectors (detector_id) ON DELETE CASCADE,
    account_id          text NOT NULL,
    region              text NOT NULL,
    destination_type    text NOT NULL CHECK (destination_type = 'S3'),
    destination_arn     text NOT NULL,
    kms_key_arn         text,
    status              text NOT NULL CHECK (status IN ('PENDING_VERIFICATION', 'PUBLISHING', 'UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY', 'STOPPED')),
    failure_started_at  timestamptz,
    last_error          text,
    tags                jsonb NOT NULL DEFAULT '{}',
    client_token        text,
    claimed_until       timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX publishing_destinations_by_account ON publishing_destinations (account_id, region);

-- Findings waiting to be written to a destination (new findings and updates, never suppressed ones).
CREATE TABLE export_outbox (
    export_id       bigserial PRIMARY KEY,
    destination_id  text NOT NULL REFERENCES publishing_destinations (destination_id) ON DELETE CASCADE,
    finding_account text NOT NULL,
    body            text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX export_outbox_by_destination ON export_outbox (destination_id, export_id);
