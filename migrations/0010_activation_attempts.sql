-- Guardpost schema 10: how many times the current activation of a list was claimed. A list whose activation keeps
-- being claimed without finishing (the worker's server stopped while fetching or parsing it) goes to ERROR after a
-- few tries instead of taking every replica down in turn.
ALTER TABLE lists ADD COLUMN activation_attempts integer NOT NULL DEFAULT 0;
