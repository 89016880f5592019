-- Guardpost schema 12 (issue 15, settings that tell the truth).
-- 1. A member's features are its own detector's, as in GuardDuty: what its administrator set for it
--    (UpdateMemberDetectors, organisation auto-enable) was kept on the member record and laid over the
--    administrator's own features; it moves onto the member's detector, and the member record's copy is emptied
--    (no longer read). Features the administrator had only on its own detector are no longer copied to members.
UPDATE detectors d
SET features = jsonb_set(d.features, '{features}', COALESCE(d.features -> 'features', '{}'::jsonb) || (m.features -> 'features')),
    updated_at = now()
FROM members m
WHERE m.account_id = d.account_id AND m.region = d.region AND m.relationship_status IN ('Enabled', 'Disabled')
  AND COALESCE(m.features -> 'features', '{}'::jsonb) <> '{}'::jsonb;

UPDATE members SET features = '{"features": {}}' WHERE features <> '{"features": {}}';
COMMENT ON COLUMN members.features IS 'Unused since schema 12: a member''s features are its own detector''s (detectors.features).';

-- 2. Guardpost analyses CloudTrail, DNS logs, VPC Flow Logs and S3 data events (GuardDutyModel FeatureSupport):
--    any other feature, and every additional configuration (agent management), that a row says is ENABLED is
--    made DISABLED, and auto-enable NEW/ALL of them becomes NONE.
CREATE FUNCTION pg_temp.guardpost_disable_unprovided(settings jsonb) RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_set(settings, '{features}', COALESCE((
        SELECT jsonb_object_agg(f.key,
            CASE WHEN f.key <> 'S3_DATA_EVENTS' AND f.value ->> 'status' = 'ENABLED'
                 THEN f.value || jsonb_build_object('status', 'DISABLED', 'updatedAt', extract(epoch from now()))
                 ELSE f.value END
            || jsonb_build_object('additional', COALESCE((
                SELECT jsonb_object_agg(a.key,
                    CASE WHEN a.value ->> 'status' = 'ENABLED'
                         THEN a.value || jsonb_build_object('status', 'DISABLED', 'updatedAt', extract(epoch from now()))
                         ELSE a.value END)
                FROM jsonb_each(COALESCE(f.value -> 'additional', '{}'::jsonb)) a), '{}'::jsonb)))
        FROM jsonb_each(COALESCE(settings -> 'features', '{}'::jsonb)) f), '{}'::jsonb))
$$;

UPDATE detectors SET features = pg_temp.guardpost_disable_unprovided(features), updated_at = now()
WHERE features <> pg_temp.guardpost_disable_unprovided(features);

UPDATE organization_configurations
SET settings = jsonb_set(settings, '{features}', COALESCE((
        SELECT jsonb_object_agg(f.key, CASE WHEN f.key = 'S3_DATA_EVENTS' THEN f.value ELSE '"NONE"'::jsonb END)
        FROM jsonb_each(COALESCE(settings -> 'features', '{}'::jsonb)) f), '{}'::jsonb)),
    updated_at = now()
WHERE EXISTS (SELECT 1 FROM jsonb_each_text(COALESCE(settings -> 'features', '{}'::jsonb)) f WHERE f.key <> 'S3_DATA_EVENTS' AND f.value <> 'NONE');

DROP FUNCTION pg_temp.guardpost_disable_unprovided(jsonb);
