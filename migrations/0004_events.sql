-- Guardpost schema 4: finding events (EventBridge's envelope) delivered to the operator's webhooks through a
-- transactional outbox.

CREATE TABLE webhooks (
    webhook_id     text PRIMARY KEY,
    account_id     text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    url            text NOT NULL CHECK (url ~ '^https?://'),
    -- HMAC-SHA256 key, sealed with the server key (NULL: unsigned deliveries).
    secret         bytea,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_by_account ON webhooks (account_id);

-- One row per (event, webhook), written in the transaction that stored the finding; deleted once delivered.
CREATE TABLE event_outbox (
    delivery_id      bigserial PRIMARY KEY,
    event_id         uuid NOT NULL,
    webhook_id       text NOT NULL REFERENCES webhooks (webhook_id) ON DELETE CASCADE,
    body             text NOT NULL,
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    claimed_until    timestamptz,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_outbox_due ON event_outbox (next_attempt_at);

-- Deliveries made, for the operator (`guardpost-admin webhooks list` shows counts) and the tests.
CREATE TABLE webhook_deliveries (
    webhook_id     text PRIMARY KEY REFERENCES webhooks (webhook_id) ON DELETE CASCADE,
    delivered      bigint NOT NULL DEFAULT 0,
    failed_attempts bigint NOT NULL DEFAULT 0,
    last_delivered_at timestamptz,
    last_error     text
);
