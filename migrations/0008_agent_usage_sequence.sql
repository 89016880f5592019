-- Guardpost schema 8: the last usage report applied per agent. An agent numbers each report of usage and sends
-- the same number again until it is acknowledged, so a report whose answer was lost is not counted twice.
ALTER TABLE agents ADD COLUMN usage_sequence bigint;
