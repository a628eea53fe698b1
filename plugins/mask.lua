-- mask.lua: hash or redact chosen fields (shipped with weir).  A record
-- function: it runs for every input record.
--
-- hash:   the field becomes the SHA-256 of its text, 64 lowercase hex
--         digits: equal values stay equal (joins and counts still work)
--         but the value is gone.  With a `salt`, the hash is an
--         HMAC-SHA-256 keyed by the salt, so nobody without the salt can
--         hash a guessed e-mail address and compare.
-- redact: the field becomes the fixed text "[REDACTED]".
--
-- A record function sees a field the input lacks as NULL, so a misspelt
-- field name masks nothing and is not an error: check the preview.
--
-- The text of a value: strings as they are, integers in decimal, booleans
-- as true/false, reals as Lua prints them (2.5, 1e+20).  NULL stays NULL.
-- The salt is a secret reference (${secret:NAME}): preview never reads
-- secrets, so in preview the reference's own text is the key, and preview
-- hashes differ from production's on purpose.

local REDACTED = "[REDACTED]"

local function text_of(v)
    if math.type(v) == "integer" then
        return string.format("%d", v)
    end
    return tostring(v)
end

local function bytes_of_hex(hex)
    return (hex:gsub("%x%x", function(h) return string.char(tonumber(h, 16)) end))
end

-- HMAC (RFC 2104) over weir.sha256, which returns hex: the inner digest is
-- turned back into bytes.  Pads are kept per key.
local pads = {}
local function hmac_sha256(key, message)
    local pad = pads[key]
    if not pad then
        local k = key
        if #k > 64 then
            k = bytes_of_hex(weir.sha256(k))
        end
        k = k .. string.rep("\0", 64 - #k)
        local inner, outer = {}, {}
        for i = 1, 64 do
            local b = k:byte(i)
            inner[i] = string.char(b ~ 0x36)
            outer[i] = string.char(b ~ 0x5c)
        end
        pad = { table.concat(inner), table.concat(outer) }
        pads[key] = pad
    end
    return weir.sha256(pad[2] .. bytes_of_hex(weir.sha256(pad[1] .. message)))
end

weir.node_type {
    kind = "transform",
    name = "mask",
    title = "Mask",
    description = "Hash or redact chosen fields",
    settings = {
        { name = "fields", type = "list", required = true,
          help = "the fields to mask; NULL stays NULL, and a name the input lacks masks nothing",
          check = function(value)
              if type(value) ~= "table" or #value == 0 then
                  return "list at least one field to mask"
              end
              return weir.check_names(value, "field")
          end },
        { name = "method", type = "choice", default = "hash",
          choices = { "hash", "redact" },
          help = "hash: SHA-256 hex of the value (equal stays equal); redact: the text [REDACTED]" },
        { name = "salt", type = "secret",
          help = "for hash: a key, as ${secret:NAME}, making it HMAC-SHA-256 (preview keys with the reference text)",
          check = function(_, node)
              if node.settings.method == "redact" then
                  return "a salt only applies to method hash"
              end
              return nil
          end },
    },
    record = function(record, node)
        local s = node.settings
        local redact = s.method == "redact"
        local salt = s.salt
        for _, f in ipairs(s.fields) do
            local v = record[f]
            if v ~= nil then
                if redact then
                    record[f] = REDACTED
                elseif salt and salt ~= "" then
                    record[f] = hmac_sha256(salt, text_of(v))
                else
                    record[f] = weir.sha256(text_of(v))
                end
            end
        end
        return record
    end,
}
