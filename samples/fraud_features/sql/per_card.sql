-- Per card and day: how much, how often, how far from home, how late.
-- The scoring model reads these next to its own history of the card.
SELECT
    f.card_id,
    substr(f.ts, 1, 10) AS window_day,
    COUNT(*) AS txn_count,
    ROUND(SUM(f.amount_eur), 2) AS amount_eur_sum,
    MAX(f.amount_eur) AS amount_eur_max,
    ROUND(AVG(f.amount_eur), 2) AS amount_eur_avg,
    SUM(CASE WHEN f.amount_bucket IN ('large', 'xlarge') THEN 1 ELSE 0 END) AS large_count,
    SUM(f.is_foreign) AS foreign_count,
    COUNT(DISTINCT f.merchant_country) AS country_count,
    SUM(f.is_night) AS night_count,
    SUM(f.is_card_not_present) AS card_not_present_count,
    SUM(f.is_no_3ds) AS no_3ds_count,
    SUM(f.is_high_risk_mcc) AS high_risk_mcc_count,
    ROUND(CAST(SUM(f.is_foreign) AS REAL) / COUNT(*), 3) AS foreign_share,
    MIN(f.ts) AS first_seen,
    MAX(f.ts) AS last_seen
FROM features AS f
GROUP BY f.card_id, substr(f.ts, 1, 10)
ORDER BY f.card_id, window_day
