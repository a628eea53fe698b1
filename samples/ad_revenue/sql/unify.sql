-- Google Ads and Meta in one shape: one row per platform, campaign and hour.
-- Google reports cost in micros of the account currency and numeric ids;
-- Meta sends every number as a string, leaves out purchases that did not
-- happen, and gives the hour as a range ("07:00:00 - 07:59:59").
SELECT
    'google_ads' AS platform,
    CAST(g.campaign_id AS TEXT) AS campaign_id,
    g.campaign_name AS campaign,
    g.segments_date AS report_date,
    CAST(g.segments_hour AS INTEGER) AS report_hour,
    g.customer_currency_code AS currency,
    CAST(g.metrics_impressions AS INTEGER) AS impressions,
    CAST(g.metrics_clicks AS INTEGER) AS clicks,
    g.metrics_cost_micros / 1000000.0 AS spend,
    CAST(g.metrics_conversions AS REAL) AS conversions,
    CAST(g.metrics_conversions_value AS REAL) AS revenue
FROM google_ads AS g
UNION ALL
SELECT
    'meta_ads' AS platform,
    CAST(m.campaign_id AS TEXT) AS campaign_id,
    m.campaign_name AS campaign,
    m.date_start AS report_date,
    CAST(substr(m.hourly_stats_aggregated_by_advertiser_time_zone, 1, 2) AS INTEGER)
        AS report_hour,
    m.account_currency AS currency,
    CAST(m.impressions AS INTEGER) AS impressions,
    CAST(m.clicks AS INTEGER) AS clicks,
    CAST(m.spend AS REAL) AS spend,
    CAST(COALESCE(m.purchases, '0') AS REAL) AS conversions,
    CAST(COALESCE(m.purchase_value, '0') AS REAL) AS revenue
FROM meta_ads AS m
