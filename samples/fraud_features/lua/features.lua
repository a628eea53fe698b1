-- features: per-transaction features for the fraud model.
--
-- Reads one authorisation and emits the fields the per-card aggregate needs,
-- as numbers (flags are 0 or 1, so SQL can SUM them).  Scheme test cards
-- that leak into the production topic are dropped (nil).

local TEST_BINS = {["411111"] = true, ["400000"] = true, ["424242"] = true}

-- Merchant category codes with high fraud rates: electronics, quasi-cash,
-- crypto, ATM cash, money transfer, gambling, gift cards.
local HIGH_RISK_MCC = {
    ["5732"] = true, ["6051"] = true, ["6011"] = true, ["4829"] = true,
    ["7995"] = true, ["5999"] = true,
}

local CARD_NOT_PRESENT = {ecom_3ds = true, ecom_no_3ds = true, card_on_file = true}

local function flag(cond)
    return cond and 1 or 0
end

-- Hour of day (0-23) from an ISO-8601 timestamp such as 2026-03-09T23:41:07Z.
local function hour_of(ts)
    if type(ts) ~= "string" then
        return nil
    end
    local hh = string.match(ts, "^%d%d%d%d%-%d%d%-%d%d[T ](%d%d):%d%d")
    local h = tonumber(hh)
    if h == nil or h > 23 then
        return nil
    end
    return h
end

local function amount_bucket(eur)
    if eur == nil then
        return "unknown"
    elseif eur <= 0 then
        return "zero" -- a card verification, not a purchase
    elseif eur < 10 then
        return "micro"
    elseif eur < 50 then
        return "small"
    elseif eur < 250 then
        return "medium"
    elseif eur < 1000 then
        return "large"
    end
    return "xlarge"
end

function transform(t)
    if TEST_BINS[t.card_bin] then
        return nil
    end
    local hour = hour_of(t.ts)
    return {
        txn_id = t.txn_id,
        card_id = t.card_id,
        ts = t.ts,
        hour = hour,
        amount_eur = t.amount_eur,
        amount_bucket = amount_bucket(t.amount_eur),
        merchant_country = t.merchant_country,
        is_foreign = flag(t.merchant_country ~= nil and t.merchant_country ~= t.card_country),
        is_night = flag(hour ~= nil and hour < 6),
        is_card_not_present = flag(CARD_NOT_PRESENT[t.entry_mode]),
        is_no_3ds = flag(t.entry_mode == "ecom_no_3ds"),
        is_high_risk_mcc = flag(HIGH_RISK_MCC[t.mcc]),
    }
end
