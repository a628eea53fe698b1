-- mask_pii: personal data never reaches the warehouse in the clear.
--
-- email  zoe.odegard@online.no    -> z***@online.no   (the domain stays: useful, not personal)
-- phone  +47 9834 023672          -> +47 *******72    (country code and last two digits)
-- names  first_name, last_name    -> customer_pseudonym, e.g. cust_5f0e9c1a
--
-- The pseudonym is a keyed FNV-1a hash of the customer id and name: the same
-- customer always gets the same pseudonym, so analysts can still count and
-- join, but the name itself is gone.  It is a pseudonym, not anonymisation:
-- the warehouse's access rules still apply.  Pure string functions only.

local PSEUDONYM_KEY = "customer_360/v1"

local function fnv1a32(text)
    local h = 2166136261
    for i = 1, #text do
        h = ((h ~ string.byte(text, i)) * 16777619) & 0xffffffff
    end
    return h
end

local function pseudonym(record)
    if record.first_name == nil and record.last_name == nil then
        return nil -- a guest, or a customer the CRM has not synced yet
    end
    local text = PSEUDONYM_KEY .. "|" .. tostring(record.customer_id) .. "|" ..
        string.lower((record.first_name or "") .. " " .. (record.last_name or ""))
    return string.format("cust_%08x", fnv1a32(text))
end

local function mask_email(email)
    if email == nil or email == "" then
        return nil
    end
    local user, domain = string.match(email, "^([^@]+)@([^@]+)$")
    if not user then
        return "***" -- not an address we understand: hide all of it
    end
    return string.sub(user, 1, 1) .. "***@" .. string.lower(domain)
end

local function mask_phone(phone)
    if phone == nil or phone == "" then
        return nil
    end
    local country = string.match(phone, "^(%+%d+)") or ""
    local digits = string.gsub(phone, "%D", "")
    local rest = #digits - (#country - 1) -- digits after the country code
    if rest <= 2 then
        return "***"
    end
    return (country ~= "" and country .. " " or "") .. string.rep("*", rest - 2) ..
        string.sub(digits, -2)
end

function transform(record)
    record.customer_pseudonym = pseudonym(record)
    record.email = mask_email(record.email)
    record.phone = mask_phone(record.phone)
    record.first_name = nil
    record.last_name = nil
    return record
end
