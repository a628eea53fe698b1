-- Each order with the customer who placed it.
-- LEFT JOIN keeps guest checkouts (no customer_id) and orders from customers
-- the CRM has not synced yet; customer_status tells the three cases apart.
SELECT
    o.order_id,
    o.ordered_at,
    substr(o.ordered_at, 1, 10) AS order_date,
    o.status,
    o.channel,
    o.currency,
    o.amount,
    CASE
        WHEN o.status IN ('refunded', 'cancelled') THEN 0.0
        ELSE o.amount
    END AS net_amount,
    o.items,
    o.coupon,
    o.customer_id,
    CASE
        WHEN o.customer_id IS NULL THEN 'guest'
        WHEN c.customer_id IS NULL THEN 'unknown'
        ELSE 'known'
    END AS customer_status,
    c.first_name,
    c.last_name,
    c.email,
    c.phone,
    c.city,
    COALESCE(c.country, o.shipping_country) AS country,
    COALESCE(c.segment, 'consumer') AS segment,
    c.company,
    c.signup_date AS customer_since,
    c.marketing_opt_in
FROM orders AS o
LEFT JOIN customers AS c
    ON c.customer_id = o.customer_id
ORDER BY o.ordered_at, o.order_id
