-- Guardpost schema 7: web console sessions (the cookie holds a random token; only its SHA-256 is stored).
CREATE TABLE console_sessions (
    token_sha256  text PRIMARY KEY,
    account_id    text NOT NULL REFERENCES accounts (account_id) ON DELETE CASCADE,
    region        text NOT NULL,
    csrf_token    text NOT NULL,
    expires_at    timestamptz NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);
