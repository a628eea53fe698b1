-- Daily totals per platform and campaign, in the account currency and in EUR
-- at that day's reference rate (NULL in EUR when the rate is missing, so a
-- gap in the rates shows up instead of being counted as zero).
SELECT
    u.report_date,
    u.platform,
    u.campaign_id,
    u.campaign,
    u.currency AS account_currency,
    COUNT(*) AS active_hours,
    SUM(u.impressions) AS impressions,
    SUM(u.clicks) AS clicks,
    ROUND(SUM(u.conversions), 2) AS conversions,
    ROUND(SUM(u.spend), 2) AS spend,
    ROUND(SUM(u.revenue), 2) AS revenue,
    ROUND(SUM(u.spend * fx.eur_per_unit), 2) AS spend_eur,
    ROUND(SUM(u.revenue * fx.eur_per_unit), 2) AS revenue_eur,
    CASE
        WHEN SUM(u.spend) > 0 THEN ROUND(SUM(u.revenue) / SUM(u.spend), 2)
    END AS roas,
    CASE
        WHEN SUM(u.impressions) > 0
            THEN ROUND(100.0 * SUM(u.clicks) / SUM(u.impressions), 3)
    END AS ctr_pct
FROM unify AS u
LEFT JOIN fx_rates AS fx
    ON fx.rate_date = u.report_date
    AND fx.currency = u.currency
GROUP BY u.report_date, u.platform, u.campaign_id, u.campaign, u.currency
ORDER BY u.report_date, u.platform, u.campaign_id
