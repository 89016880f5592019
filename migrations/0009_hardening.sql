-- Guardpost schema 9: the S3 buckets the operator lets each account read lists from and write findings to, and
-- console sessions bound to the access key they were opened with (refused once it is revoked) with an absolute end.
CREATE TABLE s3_bucket_grants (
    account_id  text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    bucket      text NOT NULL CHECK (bucket ~ '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, bucket)
);

-- Sessions opened before this migration have no key to check: they end.
DELETE FROM console_sessions;
ALTER TABLE console_sessions
    ADD COLUMN access_key_id text NOT NULL REFERENCES access_keys (access_key_id) ON DELETE CASCADE,
    ADD COLUMN absolute_expires_at timestamptz NOT NULL;
