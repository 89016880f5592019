-- Guardpost schema 1: the organisation's accounts, access keys, regions, detectors,
-- administrator/member relationships, invitations and organisation settings.

CREATE TABLE regions (
    name        text PRIMARY KEY CHECK (name ~ '^[a-z]{2}(-[a-z]+)+-[0-9]+$'),
    enabled     boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO regions (name) VALUES
    ('us-east-1'), ('us-east-2'), ('us-west-2'), ('eu-west-1'), ('eu-central-1'), ('ap-northeast-2');

CREATE TABLE accounts (
    account_id               text PRIMARY KEY CHECK (account_id ~ '^[0-9]{12}$'),
    email                    text NOT NULL,
    name                     text,
    organization_management  boolean NOT NULL DEFAULT false,
    created_at               timestamptz NOT NULL DEFAULT now()
);
-- An organisation has one management account.
CREATE UNIQUE INDEX accounts_one_management ON accounts ((true)) WHERE organization_management;

CREATE TABLE access_keys (
    access_key_id      text PRIMARY KEY,
    account_id         text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    -- AES-GCM sealed box of the secret under the server key (nonce || ciphertext || tag).
    secret_ciphertext  bytea NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    revoked_at         timestamptz
);
CREATE INDEX access_keys_by_account ON access_keys (account_id);

CREATE TABLE detectors (
    detector_id                   text PRIMARY KEY,
    account_id                    text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    region                        text NOT NULL REFERENCES regions (name),
    status                        text NOT NULL CHECK (status IN ('ENABLED', 'DISABLED')),
    finding_publishing_frequency  text NOT NULL CHECK (finding_publishing_frequency IN ('FIFTEEN_MINUTES', 'ONE_HOUR', 'SIX_HOURS')),
    features                      jsonb NOT NULL DEFAULT '{"features": {}}',
    tags                          jsonb NOT NULL DEFAULT '{}',
    client_token                  text,
    -- Moves forward whenever the detector's effective settings change (agents long-poll on it).
    config_version                bigint NOT NULL DEFAULT 1,
    created_at                    timestamptz NOT NULL DEFAULT now(),
    updated_at                    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, region)
);

CREATE TABLE members (
    administrator_id       text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    region                 text NOT NULL REFERENCES regions (name),
    account_id             text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    email                  text NOT NULL,
    relationship_status    text NOT NULL CHECK (relationship_status IN ('Created', 'Invited', 'Enabled', 'Disabled', 'Removed', 'Resigned')),
    invitation_id          text,
    invited_at             timestamptz,
    -- Features the administrator set for this member with UpdateMemberDetectors (over its own detector's).
    features               jsonb NOT NULL DEFAULT '{"features": {}}',
    added_by_organization  boolean NOT NULL DEFAULT false,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (administrator_id, region, account_id),
    CHECK (administrator_id <> account_id)
);
-- A member has at most one administrator per region.
CREATE UNIQUE INDEX members_one_administrator ON members (account_id, region)
    WHERE relationship_status IN ('Enabled', 'Disabled');
CREATE INDEX members_by_account ON members (account_id, region);

CREATE TABLE invitations (
    invitation_id     text PRIMARY KEY,
    administrator_id  text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    account_id        text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    region            text NOT NULL REFERENCES regions (name),
    message           text,
    status            text NOT NULL CHECK (status IN ('Invited', 'Accepted', 'Declined', 'Deleted', 'Withdrawn')),
    invited_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invitations_by_invitee ON invitations (account_id, region, status);

-- The delegated administrator of the organisation, per region.
CREATE TABLE organization_admins (
    region            text PRIMARY KEY REFERENCES regions (name),
    admin_account_id  text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    enabled_at        timestamptz NOT NULL DEFAULT now()
);

-- UpdateOrganizationConfiguration settings of a delegated administrator, per region.
CREATE TABLE organization_configurations (
    admin_account_id  text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    region            text NOT NULL REFERENCES regions (name),
    settings          jsonb NOT NULL,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (admin_account_id, region)
);
